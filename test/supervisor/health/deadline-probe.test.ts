// The heartbeat deadline when the app's channel is read on demand (app-channel.ts): touches come
// only from the read that runs before each look. Real timers on a fine wheel; a fake app whose
// beats the read finds.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { DeadlineProbe } from '../../../src/supervisor/health/deadline-probe.js';
import type { ProbeReport } from '../../../src/supervisor/health/probe.js';
import { StallWatch } from '../../../src/supervisor/stall-watch.js';
import { TimerWheel } from '../../../src/supervisor/timer-wheel.js';
import { waitFor } from '../../helpers/wait-for.js';

const TIMEOUT_MS = 800;

function probe(t: TestContext): { p: DeadlineProbe; hung: number[]; oks: number } {
  const stall = new StallWatch(() => undefined);
  t.after(stall.hold());
  const seen = { p: undefined as unknown as DeadlineProbe, hung: [] as number[], oks: 0 };
  const report: ProbeReport = { ok: () => seen.oks++, fail: () => undefined, hung: () => seen.hung.push(performance.now()) };
  seen.p = new DeadlineProbe('heartbeat', TIMEOUT_MS, report, stall, new TimerWheel(5));
  t.after(() => seen.p.stop());
  return seen;
}

test('read on demand: beats found by the reads keep the app alive; their end is a hang within T + T/16', async (t) => {
  const s = probe(t);
  s.p.touch(); // the first beat, read as it came
  let waiting = 0; // beats the app wrote that no read took yet
  let reads = 0;
  let lastBeat = performance.now();
  const beating = setInterval(() => { waiting++; lastBeat = performance.now(); }, 100);
  s.p.readBeforeLooks(() => {
    reads++;
    if (waiting > 0) s.p.touch();
    waiting = 0;
  });
  await waitFor('three timeouts of reads', () => reads >= (3 * TIMEOUT_MS) / (TIMEOUT_MS / 16) * 0.8, 10_000, 10);
  assert.deepEqual(s.hung, [], 'beating all along: no hang');
  clearInterval(beating);
  const stoppedAt = lastBeat;
  await waitFor('the hang', () => s.hung.length === 1, 5_000, 10);
  const after = s.hung[0]! - stoppedAt;
  t.diagnostic(`hung ${after.toFixed(0)} ms after the last beat`);
  assert.ok(after >= TIMEOUT_MS, `not before the timeout (${after} ms)`);
  // T/16 for the read that found the last beat, a wheel slot, and the timers' own lateness.
  assert.ok(after <= TIMEOUT_MS + TIMEOUT_MS / 16 + 5 + 100, `within T + T/16 (${after} ms)`);
  assert.equal(s.oks, 1);
});

test('read on demand: a read that finds nothing does not count as a beat', async (t) => {
  const s = probe(t);
  s.p.touch();
  const start = performance.now();
  let reads = 0;
  s.p.readBeforeLooks(() => { reads++; });
  await waitFor('the hang', () => s.hung.length === 1, 5_000, 10);
  assert.ok(reads >= 10, `read before each look (${reads} reads)`);
  assert.ok(s.hung[0]! - start >= TIMEOUT_MS - 5);
});
