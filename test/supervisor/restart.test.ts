import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { backoffDelay } from '../../src/supervisor/backoff.js';
import { RestartPolicy } from '../../src/supervisor/restart-policy.js';
import { APPS, app, harness, waitFor } from './harness.js';

const runs = (file: string): number => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').length;
  } catch {
    return 0;
  }
};

test('backoff grows by factor, is capped at max, jitter stays within its fraction', () => {
  const b = { initial: 100, max: 1000, factor: 2, jitter: 0 };
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(b, n)), [100, 200, 400, 800, 1000, 1000]);
  assert.equal(backoffDelay({ ...b, initial: 0 }, 5), 0);
  const j = { ...b, jitter: 0.1 };
  assert.equal(backoffDelay(j, 1, () => 0), 180);
  assert.equal(backoffDelay(j, 1, () => 1), 220);
});

test('restart policy: on-failure ignores clean exits, maxRestarts within window gives up, window slides', () => {
  const p = new RestartPolicy(app({ name: 'p', script: 'x.js', restart: { policy: 'on-failure', maxRestarts: 2, window: '10s' } }).restart);
  assert.equal(p.wants(true), false);
  assert.equal(p.wants(false), true);
  assert.equal(p.next(0, 1_000).restart, true);
  assert.equal(p.next(0, 2_000).restart, true);
  const third = p.next(0, 3_000);
  assert.equal(third.restart, false);
  assert.match(!third.restart ? third.reason : '', /2 restarts within 10s/);
  assert.equal(p.next(0, 12_500).restart, true, 'old restarts leave the window');
});

test('a crashing app restarts with growing backoff, and a run past minUptime resets it', async (t) => {
  const h = harness(t);
  const file = join(h.home, 'runs');
  h.sup.add(app({
    name: 'crashy', script: join(APPS, 'crash.mjs'),
    env: { RUNS_FILE: file, CRASH_AFTER: '30', STABLE_RUN: '4', STABLE_FOR: '1500' },
    restart: { backoff: { initial: '200ms', max: '5s', factor: 2, jitter: 0 }, minUptime: '1s', maxRestarts: 100 },
  }));
  await h.sup.start('crashy');
  await waitFor('6 runs', () => runs(file) >= 6, 30_000);
  await h.sup.stop('crashy');
  // The delay is the time in backoff: from the crash event to the restart event.
  const crashes = h.kinds('crash');
  const restarts = h.kinds('restart');
  const gaps = restarts.slice(0, 5).map((r, i) => Date.parse(r.at) - Date.parse(crashes[i]!.at));
  // runs 1-3 crash fast: 200, 400, 800; run 4 is stable (1.5 s > minUptime): back to 200.
  const expected = [200, 400, 800, 200];
  expected.forEach((ms, i) => {
    assert.ok(gaps[i]! >= ms - 5, `gap ${i} = ${gaps[i]} should be >= ${ms} (gaps ${gaps})`);
    assert.ok(gaps[i]! < ms + 400, `gap ${i} = ${gaps[i]} should be about ${ms} (gaps ${gaps})`);
  });
  assert.match(crashes[0]!.reason, /restart 1 in 200ms/);
  assert.equal(crashes[0]!.from, 'online');
  assert.equal(crashes[0]!.to, 'backoff');
  assert.equal(crashes[0]!.code, 1);
  const st = h.sup.status('crashy')[0]!;
  assert.equal(st.state, 'stopped');
  assert.ok(st.restarts >= 5);
  assert.ok(st.lastExit !== null);
});

test('a crash loop ends in errored after maxRestarts, with an event that says so, and stays down', async (t) => {
  const h = harness(t);
  const file = join(h.home, 'runs');
  h.sup.add(app({
    name: 'loop', script: join(APPS, 'crash.mjs'), env: { RUNS_FILE: file, EXIT_CODE: '3' },
    restart: { backoff: { initial: 0 }, maxRestarts: 3, window: '1m' },
  }));
  await h.sup.start('loop');
  const errored = await waitFor('errored event', () => h.kinds('errored')[0]);
  assert.match(errored.reason, /gave up: 3 restarts within 1m/);
  assert.equal(h.sup.status('loop')[0]!.state, 'errored');
  assert.equal(h.sup.status('loop')[0]!.restarts, 3);
  const last = h.kinds('crash').at(-1)!;
  assert.equal(last.to, 'errored');
  assert.equal(last.code, 3);
  await sleep(600);
  assert.equal(runs(file), 4, 'no start after giving up');
  assert.ok(h.sup.status('loop')[0]!.errors.some((e) => e.includes('gave up')));
  // A deliberate start forgives the past.
  await h.sup.start('loop');
  await waitFor('errored again', () => h.kinds('errored').length === 2);
  assert.equal(runs(file), 8);
});

test('policy on-failure: a clean exit leaves the app stopped; never: a crash leaves it errored', async (t) => {
  const h = harness(t);
  h.sup.add(app({ name: 'clean', script: join(APPS, 'crash.mjs'), env: { RUNS_FILE: join(h.home, 'a'), EXIT_CODE: '0' }, restart: { policy: 'on-failure' } }));
  h.sup.add(app({ name: 'once', script: join(APPS, 'crash.mjs'), env: { RUNS_FILE: join(h.home, 'b') }, restart: { policy: 'never' } }));
  await h.sup.start('clean');
  await h.sup.start('once');
  await waitFor('both ended', () => h.kinds('exit').length === 1 && h.kinds('crash').length === 1);
  assert.equal(h.sup.status('clean')[0]!.state, 'stopped');
  assert.equal(h.sup.status('once')[0]!.state, 'errored');
  assert.equal(h.kinds('restart').length, 0);
});

test('unknown names and duplicates are errors with codes; a missing executable is ESPAWN', async (t) => {
  const h = harness(t);
  await assert.rejects(h.sup.start('nope'), { code: 'ENOENT' });
  h.sup.add(app({ name: 'x', cmd: [join(h.home, 'does-not-exist')], restart: { policy: 'never' } }));
  assert.throws(() => h.sup.add(app({ name: 'x', cmd: ['true'] })), { code: 'EEXIST' });
  await assert.rejects(h.sup.start('x'), { code: 'ESPAWN' });
  assert.equal(h.sup.status('x')[0]!.state, 'errored');
  assert.match(h.sup.status('x')[0]!.errors[0]!, /spawn failed/);
});
