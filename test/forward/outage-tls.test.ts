// Receiver stopped for 30 s and started again while 10,000 events are produced, over tls.
import { test } from 'node:test';

import { receiverOutage } from './outage.js';

test('tls: a 30 s receiver outage loses none of 10,000 events (duplicates counted)', { timeout: 90_000 }, async (t) => {
  await receiverOutage(t, 'tls');
});
