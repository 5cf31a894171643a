// Receiver stopped for OUTAGE_MS (3 s in the suite, 30 s in the run) and started again while 10,000 events are produced, over tcp.
import { test } from 'node:test';

import { OUTAGE_MS, seconds } from '../helpers/durations.js';
import { receiverOutage } from './outage.js';

test(`tcp: a ${seconds(OUTAGE_MS)} receiver outage loses none of 10,000 events (duplicates counted)`, { timeout: 60_000 + OUTAGE_MS * 2 }, async (t) => {
  await receiverOutage(t, 'tcp');
});
