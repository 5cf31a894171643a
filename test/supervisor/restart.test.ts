import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { backoffDelay } from '../../src/supervisor/backoff.js';
import { RestartPolicy } from '../../src/supervisor/restart-policy.js';
import { APPS, app, harness } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';

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

test('restart policy: maxRestarts counts failed starts in a row (runs shorter than minUptime), whatever the time between them', () => {
  // The defaults (minUptime 1s, maxRestarts 10): the 11th failed start in a row gives up, however long the backoff made it take.
  const p = new RestartPolicy(app({ name: 'p', script: 'x.js' }).restart, () => 0.5);
  const verdicts = Array.from({ length: 11 }, () => p.next(50));
  assert.ok(verdicts.slice(0, 10).every((v) => v.restart), 'ten restarts');
  const last = verdicts[10]!;
  assert.equal(last.restart, false);
  assert.match(!last.restart ? last.reason : '', /^11 failed starts in a row \(each run shorter than minUptime 1s; maxRestarts 10\)/);
  // The backoff doubles per failed start from 100 ms and is capped at 30 s.
  assert.deepEqual(verdicts.slice(0, 10).map((v) => (v.restart ? v.delayMs : -1)), [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000]);

  // A run of at least minUptime forgives: the count and the backoff start over.
  const q = new RestartPolicy(app({ name: 'q', script: 'x.js', restart: { policy: 'on-failure', maxRestarts: 2, minUptime: '1s' } }).restart, () => 0.5);
  assert.equal(q.wants(true), false);
  assert.equal(q.wants(false), true);
  assert.equal(q.next(10).restart, true);
  assert.equal(q.next(10).restart, true);
  const good = q.next(1_000);
  assert.ok(good.restart && good.failedStarts === 0 && good.delayMs === 100, JSON.stringify(good));
  assert.equal(q.next(10).restart, true);
  assert.equal(q.next(10).restart, true);
  assert.equal(q.next(10).restart, false, 'the third failed start in a row gives up');
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

test('a crash loop ends in errored after maxRestarts failed starts in a row, says so, and stays down; a good run resets the count', async (t) => {
  const h = harness(t);
  const file = join(h.home, 'runs');
  // Runs 1-2 fail, run 3 lasts 1.5 s (> minUptime 1 s: forgiven), runs 4-6 fail: errored after 6 runs.
  h.sup.add(app({
    name: 'loop', script: join(APPS, 'crash.mjs'), env: { RUNS_FILE: file, EXIT_CODE: '3', STABLE_RUN: '3', STABLE_FOR: '1500' },
    restart: { backoff: { initial: 0 }, maxRestarts: 2, minUptime: '1s' },
  }));
  await h.sup.start('loop');
  const errored = await waitFor('errored event', () => h.kinds('errored')[0]);
  assert.match(errored.reason, /gave up: 3 failed starts in a row \(each run shorter than minUptime 1s; maxRestarts 2\)/);
  assert.equal(runs(file), 6, 'the good third run reset the count');
  assert.equal(h.sup.status('loop')[0]!.state, 'errored');
  assert.equal(h.sup.status('loop')[0]!.restarts, 5);
  const last = h.kinds('crash').at(-1)!;
  assert.equal(last.to, 'errored');
  assert.equal(last.code, 3);
  assert.match(h.kinds('crash')[0]!.reason, /1 failed start in a row; errored at 3/);
  const lastExit = h.sup.status('loop')[0]!.lastExit!;
  assert.equal(lastExit.cause, 'crash');
  assert.equal(lastExit.code, 3);
  await sleep(600);
  assert.equal(runs(file), 6, 'no start after giving up');
  assert.ok(h.sup.status('loop')[0]!.errors.some((e) => e.includes('gave up')));
  // A deliberate start forgives the past (run 7 onwards: all fail, so errored after 3 more runs).
  await h.sup.start('loop');
  await waitFor('errored again', () => h.kinds('errored').length === 2);
  assert.equal(runs(file), 9);
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
