// Receiver stopped for OUTAGE_MS (3 s in the suite, 30 s in the run) and started again while 10,000 events are produced, over relp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OUTAGE_MS, seconds } from '../helpers/durations.js';
import { receiverOutage } from './outage.js';

test(`relp: a ${seconds(OUTAGE_MS)} receiver outage loses none of 10,000 events and duplicates none (acknowledged delivery)`, { timeout: 60_000 + OUTAGE_MS * 2 }, async (t) => {
  const { duplicates } = await receiverOutage(t, 'relp');
  assert.equal(duplicates, 0);
});
