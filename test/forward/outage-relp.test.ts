// Receiver stopped for 30 s and started again while 10,000 events are produced, over relp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { receiverOutage } from './outage.js';

test('relp: a 30 s receiver outage loses none of 10,000 events and duplicates none (acknowledged delivery)', { timeout: 90_000 }, async (t) => {
  const { duplicates } = await receiverOutage(t, 'relp');
  assert.equal(duplicates, 0);
});
