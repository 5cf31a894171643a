// Processes that leave the app's process group (a detached spawn, setsid, a daemonizing shell) do
// not survive the app's stop, restart or delete, nor a SIGKILL of the daemon: each app instance
// runs in its own cgroup v2 and ending a run empties its cgroup (issue 16, break 7).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CgroupScope, CgroupTree } from '../../src/supervisor/cgroup.js';
import { Supervisor } from '../../src/supervisor/index.js';
import { spawnGate } from '../../src/supervisor/spawn-gate.js';
import { APPS, app, harness, hostSupervisor, isDead } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';

const noCgroup = CgroupTree.open(tmpdir());
const skip = typeof noCgroup === 'string' ? `no writable cgroup v2 here (${noCgroup}); apps fall back to process groups` : false;

/** What each pids file held when last read (the cleanup runs after the home is gone). */
const seenRuns = new Map<string, number[][]>();

/** One entry per run of escaper.mjs: [app, detached child, daemonized sleep]. */
function runsIn(file: string): number[][] {
  if (!existsSync(file)) return seenRuns.get(file) ?? [];
  const runs = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split(' ').map(Number));
  seenRuns.set(file, runs);
  return runs;
}

function survivors(runs: number[][]): number[] {
  return runs.flat().filter((pid) => !isDead(pid));
}

function killLeftovers(t: { after(fn: () => void): void }, file: string): void {
  t.after(() => {
    for (const pid of survivors(runsIn(file))) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
  });
}

function tempHome(t: { after(fn: () => void): void }): string {
  const home = mkdtempSync(join(tmpdir(), 'bulwark-esc-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  return home;
}

test('stop, restart and delete leave none of the processes that left the app\'s group', { skip }, async (t) => {
  const h = harness(t);
  const file = join(h.home, 'pids');
  killLeftovers(t, file);
  h.sup.add(app({ name: 'esc', script: join(APPS, 'escaper.mjs'), env: { PIDS_FILE: file }, stop: { timeout: '300ms' } }));
  await h.sup.start('esc');
  const first = await waitFor('first run', () => runsIn(file).length === 1 && runsIn(file));
  assert.equal(survivors(first).length, 3, 'the app and both escaped processes run');
  await h.sup.stop('esc');
  assert.deepEqual(survivors(first), [], 'nothing left after stop');
  await h.sup.start('esc');
  for (let n = 2; n <= 4; n++) {
    await waitFor(`run ${n}`, () => runsIn(file).length === n);
    await h.sup.restart('esc');
  }
  const runs = await waitFor('run 5', () => runsIn(file).length === 5 && runsIn(file));
  assert.deepEqual(survivors(runs.slice(0, 4)), [], 'nothing of earlier runs left after 3 restarts');
  const base = /under (.+)\)$/.exec(h.sup.containment)![1]!;
  assert.ok(existsSync(join(base, 'esc@0', 'cgroup.procs')), 'the app has its own cgroup');
  await h.sup.remove('esc');
  assert.deepEqual(survivors(runs), [], 'nothing left after delete');
  assert.ok(!existsSync(join(base, 'esc@0')), 'its cgroup went with it');
});

test('when an app exits on its own, what it left outside its group is ended before the next start', { skip }, async (t) => {
  const h = harness(t);
  const file = join(h.home, 'pids');
  killLeftovers(t, file);
  h.sup.add(app({
    name: 'esc', script: join(APPS, 'escaper.mjs'), env: { PIDS_FILE: file, EXIT_AFTER: '200' },
    stop: { timeout: '300ms' }, restart: { backoff: { initial: 0 }, maxRestarts: 100 },
  }));
  await h.sup.start('esc');
  const runs = await waitFor('4 runs', () => runsIn(file).length >= 4 && runsIn(file));
  // Each run's line is written after its start: by then every earlier run must be gone.
  assert.deepEqual(survivors(runs.slice(0, 3)), []);
  assert.ok(h.kinds('crash').length >= 3);
  await h.sup.stop('esc');
  assert.deepEqual(survivors(runsIn(file)), []);
});

test('after a daemon SIGKILL, the next daemon ends the app and everything it left, in its group or not', { skip }, async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'bulwark-esc-'));
  const file = join(home, 'pids');
  killLeftovers(t, file);
  const { child: host } = await hostSupervisor(t, home, { name: 'esc', script: join(APPS, 'escaper.mjs'), env: { PIDS_FILE: file } });
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const [run] = await waitFor('run written', () => runsIn(file).length === 1 && runsIn(file));
  host.kill('SIGKILL');
  await waitFor('host gone', () => host.exitCode !== null || host.signalCode !== null);
  assert.equal(survivors([run!]).length, 3, 'the app and its escaped processes outlived their supervisor');
  const next = new Supervisor({ logsDir: join(home, 'logs'), stateDir: join(home, 'state'), emit: () => {} });
  try {
    assert.equal(await next.reapOrphans(), 1);
    await waitFor('all dead', () => survivors([run!]).length === 0, 5_000);
    assert.equal(await next.reapOrphans(), 0, 'nothing left to reap');
  } finally {
    await next.stopAll();
  }
});

test('without cgroup.kill (Linux before 5.14) a cgroup is frozen and emptied pid by pid', { skip }, async (t) => {
  const home = tempHome(t);
  const tree = CgroupTree.open(join(home, 'state')) as CgroupTree;
  t.after(() => tree.close());
  const path = tree.scope('freeze@0').path;
  const scope = new CgroupScope(path, { exists: false, canKill: false });
  const sh = spawn('/bin/sh', ['-c', 'for i in 1 2 3; do setsid sleep 1000 & done; exec sleep 1000'], { stdio: 'ignore', detached: true });
  assert.equal(await scope.adopt(sh.pid!), null);
  const pids = await waitFor('4 processes in the cgroup', () => scope.pids().length === 4 && scope.pids());
  t.after(() => { for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } } });
  scope.kill();
  await waitFor('cgroup empty', () => !scope.alive(), 5_000);
  assert.ok(pids.every(isDead));
  assert.equal(readFileSync(join(path, 'cgroup.freeze'), 'utf8').trim(), '0', 'thawed again');
});

test('a leaf that already exists is asked and emptied when taken', { skip }, async (t) => {
  const home = tempHome(t);
  const stateDir = join(home, 'state');
  const previous = CgroupTree.open(stateDir) as CgroupTree;
  const sleeper = spawn('sleep', ['1000'], { stdio: 'ignore', detached: true });
  t.after(() => { try { process.kill(sleeper.pid!, 'SIGKILL'); } catch { /* gone */ } });
  assert.equal(await previous.scope('left@0').adopt(sleeper.pid!), null);
  // The next daemon (same state dir) takes the same leaf: what the previous one left there is killed.
  const next = CgroupTree.open(stateDir) as CgroupTree;
  t.after(() => next.close());
  next.scope('left@0');
  await waitFor('the leftover killed', () => isDead(sleeper.pid!), 5_000);
  await waitFor('its cgroup empty', () => !next.scope('left@0').alive(), 5_000);
});

test('a leaf is made by its first adopt; its cgroup.events is opened at the first ask, kept, closed on release', { skip }, async (t) => {
  const home = tempHome(t);
  const tree = CgroupTree.open(join(home, 'state')) as CgroupTree;
  t.after(() => tree.close());
  const scope = tree.scope('ask@0');
  // A start of 1,000 apps made every leaf before its first spawn: the mkdir goes with the move now.
  assert.equal(existsSync(scope.path), false, 'made before the app is moved into it');
  assert.equal(scope.alive(), false, 'a leaf not made yet holds nothing');
  const sleeper = spawn('sleep', ['1000'], { stdio: 'ignore', detached: true });
  t.after(() => { try { process.kill(sleeper.pid!, 'SIGKILL'); } catch { /* gone */ } });
  assert.equal(await scope.adopt(sleeper.pid!), null);
  assert.deepEqual(scope.pids(), [sleeper.pid]);
  // Every descriptor the daemon holds is one more each child's exec closes: none before it is needed.
  const eventsFds = (): number => readdirSync('/proc/self/fd').filter((fd) => {
    try { return readlinkSync(`/proc/self/fd/${fd}`) === join(scope.path, 'cgroup.events'); } catch { return false; }
  }).length;
  assert.equal(eventsFds(), 0, 'opened before the first ask (a leaf made now is not asked)');
  assert.equal(scope.alive(), true);
  assert.equal(scope.alive(), true);
  assert.equal(eventsFds(), 1, 'one descriptor, kept');
  scope.kill();
  await waitFor('its cgroup empty', () => !scope.alive(), 5_000);
  tree.release('ask@0');
  assert.equal(eventsFds(), 0, 'closed on release');
  assert.equal(existsSync(scope.path), false, 'removed on release');
  assert.equal(await scope.adopt(sleeper.pid!), null, 'a late move into a released leaf is no error');
  assert.equal(existsSync(scope.path), false, 'and does not make it again');
});

test('while a burst of spawns lasts, moves into cgroups wait for its end (a move beside forks slows every spawn)', { skip }, async (t) => {
  const home = tempHome(t);
  const tree = CgroupTree.open(join(home, 'state')) as CgroupTree;
  t.after(() => tree.close());
  // More apps than moves in flight at once (4): every one is moved, none is left waiting for a slot.
  const apps = Array.from({ length: 10 }, (_, i) => ({ scope: tree.scope(`burst${i}@0`), pid: spawn('sleep', ['1000'], { stdio: 'ignore', detached: true }).pid! }));
  t.after(() => { for (const { pid } of apps) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } } });
  const movedYet = (): boolean => apps.some(({ scope, pid }) => scope.pids().includes(pid));
  let movedDuringBurst = false;
  // 200 callers through the daemon's gate, 8 a turn, each holding the thread 1 ms as a fork does:
  // ~25 turns, 200 ms. A move made at once lands in a few milliseconds, within the burst.
  const burst = Promise.all(Array.from({ length: 200 }, async () => {
    await spawnGate.turn();
    const until = performance.now() + 1;
    while (performance.now() < until) { /* a fork */ }
    if (spawnGate.waiting > 0 && movedYet()) movedDuringBurst = true;
  }));
  assert.ok(spawnGate.waiting > 0, 'the burst is queued');
  assert.deepEqual(await Promise.all(apps.map(({ scope, pid }) => scope.adopt(pid))), apps.map(() => null));
  await burst;
  assert.equal(movedDuringBurst, false, 'moved while spawns were still waiting for their turn');
  for (const { scope, pid } of apps) assert.deepEqual(scope.pids(), [pid], `${scope.path} holds its app once the burst is over`);
  for (const { scope } of apps) scope.kill();
  await waitFor('cgroups empty', () => apps.every(({ scope }) => !scope.alive()), 5_000);
});

test('with cgroups off, a stop still ends the whole process group (the documented fallback)', async (t) => {
  const home = tempHome(t);
  const sup = new Supervisor({ logsDir: join(home, 'logs'), stateDir: join(home, 'state'), emit: () => {}, cgroups: false });
  t.after(() => sup.stopAll());
  assert.match(sup.containment, /^process groups only \(cgroups are off\): a child that calls setsid outlives/);
  const file = join(home, 'pids');
  sup.add(app({ name: 'tree', script: join(APPS, 'grandchild.mjs'), env: { PIDS_FILE: file }, stop: { timeout: '300ms' } }));
  await sup.start('tree');
  const [pid, grandchild] = await waitFor('pids written', () => existsSync(file) && readFileSync(file, 'utf8').includes(' ') && readFileSync(file, 'utf8').split(' ').map(Number));
  await sup.stop('tree');
  assert.ok(isDead(pid!) && isDead(grandchild!));
});
