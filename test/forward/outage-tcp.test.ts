// Receiver stopped for 30 s and started again while 10,000 events are produced, over tcp.
import { test } from 'node:test';

import { receiverOutage } from './outage.js';

test('tcp: a 30 s receiver outage loses none of 10,000 events (duplicates counted)', { timeout: 90_000 }, async (t) => {
  await receiverOutage(t, 'tcp');
});
