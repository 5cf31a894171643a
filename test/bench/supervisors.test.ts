// The race's arithmetic: gaps and the hang verdict are read from the apps' own timestamp files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, middle, pct } from '../../bench/stats.js';
import { hangVerdict } from '../../bench/supervisors/busy-hang.js';
import { parseGaps } from '../../bench/supervisors/restart-gap.js';

test('a restart gap is the next start minus the previous exit, boot is start minus process origin, capped at the limit', () => {
  const text = ['start 1000 990 1', 'exit 1200 0 1', 'start 1330 1250 2', 'exit 1530 0 2', 'start 1640 1600 3', 'exit 1840 0 3', 'start 1990 1900 4', ''].join('\n');
  assert.deepEqual(parseGaps(text, 2), { gaps: [130, 110], boots: [80, 40], supervisorCpu: [] });
  assert.deepEqual(parseGaps(text, 10).gaps, [130, 110, 150]);
});

test('gaps keep the microseconds of the monotonic clock', () => {
  const text = ['start 1000.250 990.125 1', 'exit 1200.500 0 1', 'start 1330.875 1250.000 2', ''].join('\n');
  assert.deepEqual(parseGaps(text, 10), { gaps: [130.375], boots: [80.875], supervisorCpu: [] });
});

test("the supervisor's CPU per restart is its main thread's CPU at the next start minus at the exit, where both name the same parent", () => {
  const text = ['start 1000 990 1 50 10.000', 'exit 1200 0 1 50 11.500', 'start 1330 1250 2 50 13.750', 'exit 1530 0 2 50 14.000', 'start 1640 1600 3 60 1.000', ''].join('\n');
  assert.deepEqual(parseGaps(text, 10).supervisorCpu, [2.25]);
});

test('a hung app counts as restarted only on a second start, timed from its last heartbeat', () => {
  assert.deepEqual(hangVerdict('start 0 0 1\nbeat 10 0 1\nbeat 1000 0 1\n'), { restarted: false });
  assert.deepEqual(hangVerdict('start 0 0 1\nbeat 10 0 1\nbeat 1000 0 1\nstart 3100 0 2\nbeat 3110 0 2\n'), { restarted: true, afterLastBeatMs: 2100 });
});

test('median and p95 use nearest rank', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(pct([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95), 10);
  assert.ok(Number.isNaN(median([])));
  assert.equal(middle([1.1, 0.9, 1.0, 1.2]), 1.05);
  assert.equal(middle([3, 1, 2]), 2);
});
