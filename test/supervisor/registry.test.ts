// The orphan registry (state/process-groups.json) guards against a crash of the daemon, not a
// power loss, so the restart path never fsyncs it, and it is written off the event loop, a second
// after a change: a crash loop does no synchronous write of it at all, and one rewrite a second
// (issue 16, break 10; the gap itself is measured in the supervisors bench).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { GroupRegistry, type GroupRecord } from '../../src/supervisor/orphans.js';
import { readProcStat } from '../../src/supervisor/proc-stat.js';
import { spawnGate } from '../../src/supervisor/spawn-gate.js';
import { APPS, app, harness } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';

const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');

/** Counts the synchronous fsyncs and renames made while `t` runs (the builtins are patched in place). */
function countSyncWrites(t: { after(fn: () => void): void }): { fsync: number; rename: string[] } {
  const seen = { fsync: 0, rename: [] as string[] };
  const { fsyncSync, renameSync } = fs;
  fs.fsyncSync = (fd) => { seen.fsync++; fsyncSync(fd); };
  fs.renameSync = (from, to) => { seen.rename.push(String(to)); renameSync(from, to); };
  syncBuiltinESMExports();
  t.after(() => {
    fs.fsyncSync = fsyncSync;
    fs.renameSync = renameSync;
    syncBuiltinESMExports();
  });
  return seen;
}

const readTable = (file: string): GroupRecord[] => JSON.parse(readFileSync(file, 'utf8')) as GroupRecord[];

/** Counts the registry's (asynchronous) rewrites while `t` runs: each ends with a rename onto the file. */
function countRegistryWrites(t: { after(fn: () => void): void }): { n: number } {
  const fsp = createRequire(import.meta.url)('node:fs/promises') as typeof import('node:fs/promises');
  const { rename } = fsp;
  const seen = { n: 0 };
  fsp.rename = (from, to) => { if (String(to).endsWith('process-groups.json')) seen.n++; return rename(from, to); };
  syncBuiltinESMExports();
  t.after(() => { fsp.rename = rename; syncBuiltinESMExports(); });
  return seen;
}

test('a crash loop neither fsyncs nor synchronously rewrites the orphan registry, rewrites it once a second, not once a restart, and the file keeps up', async (t) => {
  const seen = countSyncWrites(t);
  const writes = countRegistryWrites(t);
  const h = harness(t);
  const runs = join(h.home, 'runs');
  // Runs 1-11 crash after 20 ms; run 12 stays up.
  h.sup.add(app({
    name: 'loop', script: join(APPS, 'crash.mjs'), env: { RUNS_FILE: runs, CRASH_AFTER: '20', STABLE_RUN: '12', STABLE_FOR: '20000' },
    restart: { backoff: { initial: 0 }, maxRestarts: 100 },
  }));
  const began = performance.now();
  await h.sup.start('loop');
  await waitFor('10 restarts', () => h.kinds('restart').length >= 10, 30_000);
  const seconds = (performance.now() - began) / 1000;
  const restarts = h.kinds('restart').length;
  assert.ok(writes.n <= Math.ceil(seconds) + 1, `${writes.n} rewrites for ${restarts} restarts in ${seconds.toFixed(1)} s`);
  const file = join(h.home, 'state', 'process-groups.json');
  await waitFor('the running app recorded', () => {
    const pid = h.sup.status('loop')[0]!.pid;
    return pid !== null && existsSync(file) && readTable(file).some((g) => g.pid === pid && g.app === 'loop@0');
  });
  await h.sup.stop('loop');
  await waitFor('the table emptied', () => readTable(file).length === 0);
  assert.equal(seen.fsync, 0, 'no fsync on the event loop');
  assert.deepEqual(seen.rename.filter((p) => p.includes('process-groups')), [], 'no synchronous rename of the registry');
});

test('changes made while a write is in flight go out together, and every caller hears when it is saved', async (t) => {
  const writes = countRegistryWrites(t);
  const h = harness(t);
  const registry = new GroupRegistry(join(h.home, 'state2'));
  const saved = Array.from({ length: 200 }, (_, i) => registry.record({ app: `a${i}@0`, pgid: 1000 + i, pid: 1000 + i, startTime: i }));
  void registry.forget('a0@0', 1000);
  assert.deepEqual(await Promise.all(saved), saved.map(() => null));
  await registry.flushed();
  const table = readTable(join(h.home, 'state2', 'process-groups.json'));
  assert.equal(table.length, 199);
  assert.ok(writes.n <= 2, `201 changes in one tick took ${writes.n} writes`);
  assert.ok(!table.some((g) => g.app === 'a0@0'));
});

test('a run spawned while a burst of spawns lasts is recorded once the burst is over, with its start time', async (t) => {
  const h = harness(t);
  const file = join(h.home, 'state', 'process-groups.json');
  const recorded = (): GroupRecord | undefined => (existsSync(file) ? readTable(file).find((g) => g.app === 'calm@0') : undefined);
  h.sup.add(app({ name: 'calm', cmd: ['sleep', '1000'] }));
  // A burst through the daemon's gate that keeps coming while the app starts and 300 ms after:
  // 16 callers a turn, 8 let through, each holding the thread 1 ms as a fork does.
  const callers: Promise<void>[] = [];
  const holdTurn = async (): Promise<void> => {
    await spawnGate.turn();
    const end = performance.now() + 1;
    while (performance.now() < end) { /* a fork */ }
  };
  let feeding = true;
  const feed = (): void => {
    if (!feeding) return;
    for (let i = 0; i < 16; i++) callers.push(holdTurn());
    setImmediate(feed);
  };
  feed();
  await h.sup.start('calm');
  const pid = h.sup.status('calm')[0]!.pid!;
  assert.ok(spawnGate.waiting > 0, 'the app was spawned while the burst lasted');
  let early = false;
  const feedUntil = performance.now() + 300;
  while (spawnGate.waiting > 0) {
    await new Promise((r) => setImmediate(r));
    if (performance.now() > feedUntil) feeding = false;
    if (recorded() !== undefined) early = true;
  }
  await Promise.all(callers);
  assert.equal(early, false, 'recorded while spawns still waited for their turn (a /proc read and a rewrite beside each fork)');
  const record = await waitFor('the app recorded after the burst', () => recorded());
  assert.equal(record.pid, pid);
  assert.equal(record.startTime, readProcStat(pid)!.startTime, 'with the start time that tells a recycled pid apart');
});
