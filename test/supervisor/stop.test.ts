import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Supervisor } from '../../src/supervisor/index.js';
import { APPS, app, harness, hostSupervisor, isDead } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';

const pidsIn = (file: string): number[] | null =>
  existsSync(file) && readFileSync(file, 'utf8').includes(' ') ? readFileSync(file, 'utf8').split(' ').map(Number) : null;

test('stop sends the signal to the group, escalates to SIGKILL after the timeout, and the grandchild dies too', async (t) => {
  const h = harness(t);
  const file = join(h.home, 'pids');
  h.sup.add(app({ name: 'tree', script: join(APPS, 'grandchild.mjs'), env: { PIDS_FILE: file }, stop: { timeout: '700ms' } }));
  await h.sup.start('tree');
  const [pid, grandchild] = await waitFor('pids written', () => pidsIn(file));
  const began = Date.now();
  await h.sup.stop('tree');
  const took = Date.now() - began;
  assert.ok(isDead(pid!), 'app is dead');
  assert.ok(isDead(grandchild!), 'grandchild is dead');
  assert.ok(took >= 650, `waited the stop timeout before SIGKILL (${took} ms)`);
  const stopped = h.kinds('stopped')[0]!;
  assert.equal(stopped.from, 'stopping');
  assert.equal(stopped.to, 'stopped');
  assert.equal(stopped.signal, 'SIGKILL');
  const st = h.sup.status('tree')[0]!;
  assert.equal(st.state, 'stopped');
  assert.equal(st.pid, null);
  assert.match(st.errors.at(-1)!, /SIGTERM not enough after 700ms: group SIGKILLed/);
  assert.equal(h.kinds('restart').length, 0, 'a stopped app is not restarted');
});

test('an app that honours SIGTERM stops at once, without escalation', async (t) => {
  const h = harness(t);
  h.sup.add(app({ name: 'idle', script: join(APPS, 'idle.mjs') }));
  await h.sup.start('idle');
  const pid = h.sup.status('idle')[0]!.pid!;
  const began = Date.now();
  await h.sup.stop('idle');
  assert.ok(Date.now() - began < 2000);
  assert.ok(isDead(pid));
  assert.equal(h.kinds('stopped')[0]!.signal, 'SIGTERM');
  assert.deepEqual(h.sup.status('idle')[0]!.errors, []);
  assert.deepEqual(h.events.map((e) => e.kind), ['start', 'online', 'stop', 'stopped']);
});

test('restart, replace and remove keep one process and the states in order', async (t) => {
  const h = harness(t);
  h.sup.add(app({ name: 'a', script: join(APPS, 'idle.mjs') }));
  await h.sup.start('a');
  const p1 = h.sup.status('a')[0]!.pid!;
  await h.sup.restart('a', 'deploy');
  const p2 = h.sup.status('a')[0]!.pid!;
  assert.notEqual(p1, p2);
  assert.ok(isDead(p1));
  assert.equal(h.sup.status('a')[0]!.restarts, 1);
  await h.sup.replace(app({ name: 'a', script: join(APPS, 'idle.mjs'), env: { X: '1' } }));
  assert.equal(h.sup.config('a').env.X, '1');
  assert.equal(h.sup.status('a')[0]!.state, 'online');
  const p3 = h.sup.status('a')[0]!.pid!;
  await h.sup.remove('a');
  assert.ok(isDead(p3));
  assert.equal(h.sup.has('a'), false);
  assert.deepEqual(h.sup.names(), []);
  assert.deepEqual(h.events.map((e) => `${e.kind}:${e.to ?? ''}`), [
    'start:starting', 'online:online', 'stop:stopping', 'restart:starting', 'online:online',
    'stop:stopping', 'stopped:stopped', 'start:starting', 'online:online', 'stop:stopping', 'stopped:stopped', 'delete:',
  ]);
});

test('groups left by a SIGKILLed supervisor are reaped by the next one, and nothing of them survives', async (t) => {
  // Not harness(): its home would be removed before hostSupervisor's own cleanup reads it.
  const home = mkdtempSync(join(tmpdir(), 'bulwark-orphan-'));
  const file = join(home, 'pids');
  const cfg = { name: 'orphan', script: join(APPS, 'grandchild.mjs'), env: { PIDS_FILE: file } };
  const { child: host } = await hostSupervisor(t, home, cfg);
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const [pid, grandchild] = await waitFor('pids written', () => pidsIn(file));
  // The registry is written a second after a spawn: kill the host once the run is in it, so the
  // reap below goes through the record (a cgroup alone would also catch it).
  const groups = join(home, 'state', 'process-groups.json');
  await waitFor('the run recorded', () => existsSync(groups) && readFileSync(groups, 'utf8').includes(`"pid":${pid}`));
  host.kill('SIGKILL');
  await waitFor('host gone', () => host.exitCode !== null || host.signalCode !== null);
  assert.ok(!isDead(pid!) && !isDead(grandchild!), 'the app outlived its supervisor');
  const next = new Supervisor({ logsDir: join(home, 'logs'), stateDir: join(home, 'state'), emit: () => {} });
  try {
    // A spawn before the reap rewrites the state file: the old groups must survive that.
    next.add(app({ name: 'early', script: join(APPS, 'idle.mjs') }));
    await next.start('early');
    assert.equal(await next.reapOrphans(), 1);
    assert.equal(next.status('early')[0]!.state, 'online', 'the new daemon\'s own app is left alone');
    await waitFor('app and grandchild dead', () => isDead(pid!) && isDead(grandchild!), 5_000);
    assert.equal(await next.reapOrphans(), 0, 'nothing left to reap');
  } finally {
    await next.stopAll();
  }
});

test('reapOrphans never kills a process whose pid was recycled (start time differs)', async (t) => {
  const h = harness(t);
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { detached: true, stdio: 'ignore' });
  t.after(() => { bystander.kill('SIGKILL'); });
  await new Promise((r) => bystander.once('spawn', r));
  mkdirSync(join(h.home, 'state2'), { recursive: true });
  writeFileSync(join(h.home, 'state2', 'process-groups.json'),
    JSON.stringify([{ app: 'x', pgid: bystander.pid, pid: bystander.pid, startTime: 1 }]), { mode: 0o600 }); // state is read only from 0600 files
  const next = new Supervisor({ logsDir: join(h.home, 'logs'), stateDir: join(h.home, 'state2'), emit: () => {} });
  assert.equal(await next.reapOrphans(), 0);
  assert.ok(!isDead(bystander.pid!));
});
