import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { procClock, readChildren, readProcStat } from '../../src/supervisor/proc-stat.js';
import { ResourceSampler, type ReadMode, type ResourceSample } from '../../src/supervisor/resource-sampler.js';
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
      for (const c of all) sampler.track(String(c.pid), c.pid!, null, (s) => { samples.set(c.pid!, [...(samples.get(c.pid!) ?? []), s]); });
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
        sampler.track(String(c.pid), c.pid!, 300, (s) => {
          assert.equal(s.scheduled, true);
          cpu.set(c.pid!, [...(cpu.get(c.pid!) ?? []), s.cpu]);
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
  sampler.track('a', c.pid!, 100, () => { fired++; });
  sampler.untrack('a');
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(fired, 0);
  assert.equal((sampler as unknown as { timer: unknown }).timer, undefined);
});
