import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { procClock, readChildren, readProcStat } from '../../src/supervisor/proc-stat.js';
import type { ReadMode } from '../../src/supervisor/process-tree-reader.js';
import { ResourceSampler, type ResourceSample } from '../../src/supervisor/resource-sampler.js';
import { waitFor } from '../helpers/wait-for.js';
import { timersArmed } from '../helpers/timers-armed.js';

/** An app as the supervisor runs it: the leader of its own process group. */
function group(t: TestContext, script: string): ChildProcess {
  const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
  t.after(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } });
  return child;
}

/** RSS of pid's whole tree, read directly (what the sampler should report). */
function treeRss(pid: number): number {
  let pages = 0;
  const queue = [pid];
  for (let i = 0; i < queue.length; i++) {
    pages += readProcStat(queue[i]!)?.rssPages ?? 0;
    queue.push(...readChildren(queue[i]!));
  }
  return pages * procClock().pageSize;
}

function comm(pid: number): string {
  try { return readFileSync(`/proc/${pid}/comm`, 'latin1').trim(); } catch { return ''; }
}

for (const mode of ['full-pass', 'tree-walk'] as ReadMode[]) {
  test(`${mode}: apps without limits are read only on request, once per maxAge, each with its whole tree`, async (t) => {
    const sampler = new ResourceSampler(mode);
    t.after(() => sampler.stop());
    // 30 plain apps, and one whose child left the group (setsid) and still belongs to it.
    const plain = Array.from({ length: 30 }, () => group(t, 'exec sleep 300'));
    const tree = group(t, 'setsid sleep 300 & sleep 301 & wait');
    const all = [...plain, tree];
    // Both children exec'd (a forked shell not yet sleep has another RSS).
    await waitFor('tree spawned', () => readChildren(tree.pid!).length === 2 && readChildren(tree.pid!).every((p) => comm(p) === 'sleep'));
    const samples = new Map<number, ResourceSample[]>();
    const armed = await timersArmed(() => {
      for (const c of all) sampler.track(String(c.pid), c.pid!, { everyMs: null, cpuLimited: false }, (s) => { samples.set(c.pid!, [...(samples.get(c.pid!) ?? []), s]); });
    });
    assert.equal(armed, 0, 'tracking apps without limits armed a timer');
    assert.equal(samples.size, 0, 'sampled before anyone asked');

    await sampler.sampleNow(1000);
    assert.equal(samples.size, all.length);
    for (const c of all) assert.equal(samples.get(c.pid!)!.length, 1);
    const treeSample = samples.get(tree.pid!)![0]!;
    const want = treeRss(tree.pid!);
    const onlyLeader = (readProcStat(tree.pid!)?.rssPages ?? 0) * procClock().pageSize;
    assert.ok(Math.abs(treeSample.memoryBytes - want) <= 0.1 * want, `tree memory ${treeSample.memoryBytes}, want ~${want}`);
    assert.ok(treeSample.memoryBytes > onlyLeader, 'the children were not counted');
    assert.equal(treeSample.scheduled, false);

    await sampler.sampleNow(60_000); // fresh enough: nothing read
    for (const c of all) assert.equal(samples.get(c.pid!)!.length, 1);
    await sampler.sampleNow(0);
    for (const c of all) assert.equal(samples.get(c.pid!)!.length, 2);
  });

  test(`${mode}: apps with limits share one timer and a busy app's CPU is told from idle ones`, async (t) => {
    const sampler = new ResourceSampler(mode);
    t.after(() => sampler.stop());
    const idle = Array.from({ length: 20 }, () => group(t, 'exec sleep 300'));
    // The busy one forks its worker: its CPU is a child's, born after tracking started.
    const busy = group(t, `${JSON.stringify(process.execPath)} -e "for(;;){}" & wait`);
    const cpu = new Map<number, number[]>();
    const armed = await timersArmed(() => {
      for (const c of [...idle, busy]) {
        sampler.track(String(c.pid), c.pid!, { everyMs: 300, cpuLimited: true }, (s) => {
          assert.equal(s.scheduled, true);
          cpu.set(c.pid!, [...(cpu.get(c.pid!) ?? []), s.cpu ?? Number.NaN]);
        });
      }
    });
    assert.equal(armed, 1, `${armed} timers for 21 apps with one period`);
    await waitFor('three samples each', () => [...idle, busy].every((c) => (cpu.get(c.pid!)?.length ?? 0) >= 3), 15_000);
    // On a loaded 2-core machine a spinning process may get only a share of a core.
    const busyLast = cpu.get(busy.pid!)!.slice(1);
    assert.ok(Math.max(...busyLast) > 15, `busy app at ${busyLast.join(', ')}%`);
    for (const c of idle) assert.ok(Math.max(...cpu.get(c.pid!)!) < 5, `idle app at ${cpu.get(c.pid!)!.join(', ')}%`);
  });
}

test('untracking the last app with limits leaves no timer', async (t) => {
  const sampler = new ResourceSampler();
  const c = group(t, 'exec sleep 300');
  let fired = 0;
  sampler.track('a', c.pid!, { everyMs: 100, cpuLimited: false }, () => { fired++; });
  sampler.untrack('a');
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(fired, 0);
  assert.equal((sampler as unknown as { timer: unknown }).timer, undefined);
});

/** The /proc files of `pid` this process holds open (the sampler keeps the leaders' files open). */
function openProcFiles(pid: number): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(`/proc/${pid}/`)) out.push(target.slice(`/proc/${pid}/`.length));
    } catch { /* closed meanwhile */ }
  }
  return out.sort();
}

test('apps judged on memory alone are read from statm on their period, their whole tree, and CPU only when asked', async (t) => {
  const sampler = new ResourceSampler('tree-walk');
  t.after(() => sampler.stop());
  const tree = group(t, 'sleep 300 & sleep 301 & wait');
  await waitFor('tree spawned', () => readChildren(tree.pid!).length === 2 && readChildren(tree.pid!).every((p) => comm(p) === 'sleep'));
  const samples: ResourceSample[] = [];
  sampler.track('m', tree.pid!, { everyMs: 200, cpuLimited: false }, (s) => { samples.push(s); });
  await waitFor('two scheduled samples', () => samples.length >= 2, 10_000);
  for (const s of samples) {
    assert.equal(s.scheduled, true);
    assert.equal(s.cpu, null, 'a memory-only sample made up a CPU figure');
  }
  // The kernel's RSS counters are per-CPU and read approximately (stat and statm alike), off by up
  // to a few hundred KB per process on a 5 MB tree: 10 %, or 1 MB, whichever is more.
  const close = (got: number, want: number) => Math.abs(got - want) <= Math.max(0.1 * want, 1 << 20);
  await waitFor('a sample that agrees with the tree', () => close(samples.at(-1)!.memoryBytes, treeRss(tree.pid!)), 10_000);
  const last = samples.at(-1)!;
  assert.ok(last.memoryBytes > (readProcStat(tree.pid!)?.rssPages ?? 0) * procClock().pageSize, 'the children were not counted');
  assert.deepEqual(openProcFiles(tree.pid!), ['statm', 'task/' + tree.pid + '/children'], 'the scheduled samples read more than statm and children');

  // status asks: a full sample with CPU; the next memory-only sample carries that figure on.
  const before = samples.length;
  await sampler.sampleNow(0);
  const full = samples[before]!;
  assert.equal(typeof full.cpu, 'number');
  await waitFor('another scheduled sample', () => samples.length >= before + 2, 10_000);
  assert.equal(samples.at(-1)!.cpu, full.cpu);
});

test('a memory-only app refills one sample object, and a child its childless leader forks counts within the recheck time', async (t) => {
  const sampler = new ResourceSampler('tree-walk', 1_000);
  t.after(() => sampler.stop());
  // The leader has no child for its first samples, then forks one holding 20 MB more than a bare node.
  const child = `globalThis.b = Buffer.alloc(20 << 20, 1); setInterval(() => {}, 1000)`;
  const leader = `setTimeout(() => require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(child)}], { stdio: 'ignore' }), 800); setInterval(() => {}, 1000)`;
  const tree = group(t, `exec ${JSON.stringify(process.execPath)} -e ${JSON.stringify(leader)}`);
  await waitFor('the leader runs node', () => comm(tree.pid!) === 'node');
  const samples: ResourceSample[] = [];
  const bytes: number[] = [];
  sampler.track('m', tree.pid!, { everyMs: 100, cpuLimited: false }, (s) => { samples.push(s); bytes.push(s.memoryBytes); });
  await waitFor('two samples', () => samples.length >= 2);
  assert.equal(samples[0], samples[1], 'a memory-only sample was a new object (garbage every period)');
  assert.equal(readChildren(tree.pid!).length, 0, 'the leader forked before its first samples');
  // Against the leader's RSS now, not at the first sample: a first sample may catch node still booting.
  const leaderRss = (): number => (readProcStat(tree.pid!)?.rssPages ?? 0) * procClock().pageSize;
  await waitFor('the child counted', () => readChildren(tree.pid!).length === 1 && (bytes.at(-1) ?? 0) > leaderRss() + (20 << 20), 10_000);
});
