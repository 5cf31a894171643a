// The heartbeat deadline: each beat touches the probe as it arrives (app-channel.ts), and one wheel
// entry looks when the deadline may have passed. Real timers on a fine wheel; a fake app beating.
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

test('beats keep the app alive; their end is a hang between T and T + a wheel slot (plus timer lateness)', async (t) => {
  const s = probe(t);
  s.p.touch();
  let beats = 1;
  let lastBeat = performance.now();
  const beating = setInterval(() => { s.p.touch(); beats++; lastBeat = performance.now(); }, 100);
  await waitFor('three timeouts of beats', () => beats >= (3 * TIMEOUT_MS) / 100, 10_000, 10);
  assert.deepEqual(s.hung, [], 'beating all along: no hang');
  clearInterval(beating);
  const stoppedAt = lastBeat;
  await waitFor('the hang', () => s.hung.length === 1, 5_000, 10);
  const after = s.hung[0]! - stoppedAt;
  t.diagnostic(`hung ${after.toFixed(0)} ms after the last beat`);
  assert.ok(after >= TIMEOUT_MS, `not before the timeout (${after} ms)`);
  assert.ok(after <= TIMEOUT_MS + 5 + 100, `within T + a slot (${after} ms)`);
  assert.equal(s.oks, 1, 'the first beat reports the probe ok, once');
});

test('without a beat the hang comes at T from the start', async (t) => {
  const start = performance.now();
  const s = probe(t);
  await waitFor('the hang', () => s.hung.length === 1, 5_000, 10);
  assert.ok(s.hung[0]! - start >= TIMEOUT_MS - 5);
  assert.equal(s.oks, 0);
});
