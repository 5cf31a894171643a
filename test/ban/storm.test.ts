import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StormGuard } from '../../src/ban/storm.js';

test('more than N bans within the window starts a pause; banning resumes after it', () => {
  const g = new StormGuard(3, 60_000, 600_000);
  assert.deepEqual([0, 1000, 2000].map((t) => g.take(t)), ['ban', 'ban', 'ban']);
  assert.equal(g.take(3000), 'storm');
  assert.equal(g.pausedTill(3000), 603_000);
  assert.equal(g.take(100_000), 'paused');
  assert.equal(g.take(603_000), 'ban');
  assert.equal(g.pausedTill(603_000), null);
});

test('bans spread out over time never trip the brake', () => {
  const g = new StormGuard(3, 60_000, 600_000);
  for (let t = 0; t < 3_600_000; t += 21_000) assert.equal(g.take(t), 'ban');
});
