import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimerWheel } from '../../src/supervisor/timer-wheel.js';
import { waitFor } from '../helpers/wait-for.js';
import { timersArmed } from '../helpers/timers-armed.js';

test('a thousand deadlines on one wheel hold one Node timer and fire in order, at most one slot late', { timeout: 10_000 }, async () => {
  const wheel = new TimerWheel(20);
  const start = performance.now();
  const fired: { want: number; at: number }[] = [];
  const slots = new Set<number>();
  // Waited for by the last callback, not by polling: only the wheel's own timers are counted. The
  // wheel's timer is unref'd; an interval (not a setTimeout, so not counted) keeps the process up.
  let allFired!: () => void;
  const done = new Promise<void>((resolve) => { allFired = resolve; });
  const keepAlive = setInterval(() => {}, 1_000);
  const armed = await timersArmed(async () => {
    for (let i = 0; i < 1000; i++) {
      const want = start + 50 + (i % 100) * 3;
      slots.add(Math.ceil(want / 20));
      wheel.at(want, () => { if (fired.push({ want, at: performance.now() }) === 1000) allFired(); });
    }
    assert.equal(wheel.size, 1000);
    await done;
  }).finally(() => clearInterval(keepAlive));
  // One arming when the first came, then one per slot that held deadlines (and some slack for a slow machine).
  const polls = Math.ceil((performance.now() - start) / 20) + 2;
  assert.ok(armed <= 1 + slots.size + polls, `${armed} timers armed for 1000 deadlines in ${slots.size} slots`);
  for (const f of fired) assert.ok(f.at >= f.want - 1, `fired ${(f.want - f.at).toFixed(1)} ms early`);
  for (const f of fired) assert.ok(f.at <= f.want + 1000, `fired ${(f.at - f.want).toFixed(1)} ms late`);
  for (let i = 1; i < fired.length; i++) {
    assert.ok(Math.ceil(fired[i]!.want / 20) >= Math.ceil(fired[i - 1]!.want / 20), 'fired out of slot order');
  }
  assert.equal(wheel.size, 0);
  assert.equal((wheel as unknown as { timer: unknown }).timer, undefined, 'an empty wheel holds no timer');
});

test('a cancelled deadline never fires; one cancelled by an earlier one in the same slot neither', async () => {
  const wheel = new TimerWheel(20);
  const fired: string[] = [];
  const at = performance.now() + 40;
  const a = wheel.at(at + 400, () => fired.push('a'));
  a.cancel();
  let c: { cancel(): void } | undefined;
  wheel.at(at, () => { fired.push('b'); c?.cancel(); });
  c = wheel.at(at, () => fired.push('c'));
  wheel.at(at + 60, () => fired.push('d'));
  await waitFor('d fired', () => fired.includes('d'), 5_000, 10);
  await new Promise((r) => setTimeout(r, 450)); // past a's time too
  assert.deepEqual(fired, ['b', 'd']);
});

test('a deadline added while firing for a time already due runs in the next slot, not in a loop', async () => {
  const wheel = new TimerWheel(20);
  let runs = 0;
  const again = (): void => { runs++; if (runs < 5) wheel.at(performance.now() - 100, again); };
  const start = performance.now();
  wheel.at(start, again);
  await waitFor('five runs', () => runs === 5, 5_000, 5);
  // Each re-arm waits for the next slot: five runs take at least four slots.
  assert.ok(performance.now() - start >= 4 * 20 - 5);
});

test('a deadline that throws does not stop the others in its slot', async () => {
  const errors: unknown[] = [];
  const wheel = new TimerWheel(20, (err) => errors.push(err));
  const fired: number[] = [];
  const at = performance.now() + 30;
  wheel.at(at, () => fired.push(1));
  wheel.at(at, () => { throw new Error('boom'); });
  wheel.at(at, () => fired.push(3));
  await waitFor('both fired and the error reported', () => fired.length === 2 && errors.length === 1, 5_000, 10);
  assert.deepEqual(fired, [1, 3]);
  assert.match(String(errors[0]), /boom/);
});

test('again() moves one timer: a waiting run is replaced, not doubled; a timer moved by an earlier one in its slot runs at its new time', async () => {
  const wheel = new TimerWheel(20);
  const runs: { name: string; at: number }[] = [];
  const start = performance.now();
  const a = wheel.at(start + 40, () => runs.push({ name: 'a', at: performance.now() }));
  a.again(start + 80); // replaces the run at 40
  assert.equal(wheel.size, 1);
  let b!: ReturnType<TimerWheel['at']>;
  wheel.at(start + 120, () => { runs.push({ name: 'x', at: performance.now() }); b.again(start + 200); });
  b = wheel.at(start + 120, () => runs.push({ name: 'b', at: performance.now() }));
  await waitFor('b ran', () => runs.some((r) => r.name === 'b'), 5_000, 5);
  assert.deepEqual(runs.map((r) => r.name), ['a', 'x', 'b']);
  assert.ok(runs[0]!.at >= start + 80 - 1, 'a ran at its first time, not its moved one');
  assert.ok(runs[2]!.at >= start + 200 - 1, 'b ran in the slot it was moved out of');
  // After it ran, the same timer runs again when asked.
  a.again(performance.now() + 20);
  await waitFor('a ran twice', () => runs.filter((r) => r.name === 'a').length === 2, 5_000, 5);
  assert.equal(wheel.size, 0);
});

test('cancelling the last deadline of a slot takes the slot out: an emptied wheel holds no timer, and a slot emptied in the middle keeps the others in order', async () => {
  const wheel = new TimerWheel(20);
  const timerOf = (): unknown => (wheel as unknown as { timer: unknown }).timer;
  const only = wheel.at(performance.now() + 10_000, () => assert.fail('cancelled'));
  assert.notEqual(timerOf(), undefined);
  only.cancel();
  assert.equal(timerOf(), undefined, 'no timer for a slot that holds nothing');
  // Three in one slot: the middle one and then the last one go; the first still runs, once.
  const at = performance.now() + 40;
  const fired: string[] = [];
  wheel.at(at, () => fired.push('first'));
  const middle = wheel.at(at, () => fired.push('middle'));
  const last = wheel.at(at, () => fired.push('last'));
  middle.cancel();
  last.cancel();
  wheel.at(at + 20, () => fired.push('later'));
  assert.equal(wheel.size, 2);
  await waitFor('later fired', () => fired.includes('later'), 5_000, 5);
  assert.deepEqual(fired, ['first', 'later']);
  assert.equal(wheel.size, 0);
  assert.equal(timerOf(), undefined);
});
