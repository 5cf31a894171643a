// Cluster mode in the supervisor: a plain Node HTTP app (listen(PORT), no cluster code) run as N
// instances that share one port through sockets the supervisor holds, each instance its own state
// machine, events, capture files and environment; reloads that replace them one at a time.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { httpLoad, waitForAnswer } from '../../bench/http-load.js';
import { SupervisorError } from '../../src/supervisor/errors.js';
import { freePort } from '../helpers/free-port.js';
import { APPS, app, harness, isDead } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';

const WEB = join(APPS, 'web.mjs');
/** Generous: a busy shared machine can take seconds to boot Node. */
const READY = '30s';

test('instances: 2 of an unchanged HTTP app share one port, each with its own pid, NODE_APP_INSTANCE, events and capture file', async (t) => {
  const h = harness(t);
  const port = await freePort();
  h.sup.add(app({ name: 'web', script: WEB, env: { PORT: String(port) }, instances: 2, listen_timeout: READY }));
  await h.sup.start('web');
  const rows = h.sup.status('web');
  assert.deepEqual(rows.map((r) => [r.instance, r.state]), [[0, 'online'], [1, 'online']]);
  assert.notEqual(rows[0]!.pid, rows[1]!.pid);
  await waitForAnswer(port);
  const load = httpLoad(port, { concurrency: 4 });
  await waitFor('both instances answer', () => load.snapshot().byPid.size === 2, 30_000);
  const r = await load.stop();
  assert.equal(r.failed, 0, JSON.stringify(r.errors));
  assert.deepEqual([...r.byPid.keys()].map(Number).sort(), rows.map((x) => x.pid!).sort());
  // Each instance knows its number, as under PM2.
  for (const row of rows) {
    const out = join(h.home, 'logs', row.instance === 0 ? 'web.out.log' : `web@${row.instance}.out.log`);
    await waitFor(`instance ${row.instance} logged`, () => existsSync(out) && readFileSync(out, 'utf8').includes(`listening on ${port}`));
  }
  const starts = h.kinds('start');
  assert.deepEqual(starts.map((e) => e.instance).sort(), [0, 1]);
  assert.ok(h.kinds('online').every((e) => e.instance === 0 || e.instance === 1));
});

test('a reload replaces each instance with a new process that listened first; the port never refuses a request', async (t) => {
  const h = harness(t);
  const port = await freePort();
  h.sup.add(app({ name: 'web', script: WEB, env: { PORT: String(port) }, instances: 2, listen_timeout: READY }));
  await h.sup.start('web');
  await waitForAnswer(port);
  const before = h.sup.status('web').map((r) => r.pid);
  const load = httpLoad(port, { concurrency: 4 });
  const outcome = await h.sup.reload('web');
  await waitFor('requests after the reload', () => load.snapshot().ok > 20);
  const r = await load.stop();
  assert.equal(outcome.mode, 'rolling');
  assert.equal(r.failed, 0, JSON.stringify(r.errors));
  const after = h.sup.status('web').map((x) => x.pid);
  assert.ok(after.every((p) => p !== null && !before.includes(p)), 'new pids in both slots');
  for (const p of before) assert.ok(isDead(p!), `old pid ${p} is gone`);
  // Per instance: the new one started and was ready (it listened) before the old one was stopped.
  for (const i of [0, 1]) {
    const ev = h.events.filter((e) => e.instance === i).map((e) => `${e.kind}:${e.pid ?? ''}`);
    const newPid = after[i]!;
    const online = ev.indexOf(`online:${newPid}`);
    const stop = ev.indexOf(`stop:${before[i]}`);
    assert.ok(online >= 0 && stop > online, `instance ${i}: ${ev.join(' ')}`);
    assert.match(h.events.find((e) => e.kind === 'online' && e.pid === newPid)!.reason, /ready: listening on/, JSON.stringify(h.events.map((e) => [e.instance, e.kind, e.pid, e.reason])));
  }
  assert.match(h.events.find((e) => e.kind === 'reload')!.reason, /rolling reload: 2 instances/);
});

test('a new instance that crashes at start stops the reload: ERELOAD, a reload-failed event, the old instances keep serving', async (t) => {
  const h = harness(t);
  const port = await freePort();
  const script = join(h.home, 'app.mjs');
  copyFileSync(WEB, script);
  h.sup.add(app({ name: 'web', script, env: { PORT: String(port) }, instances: 2, listen_timeout: READY }));
  await h.sup.start('web');
  // Both old processes have read the script before it changes on disk.
  for (const f of ['web.out.log', 'web@1.out.log']) {
    await waitFor(`${f} says listening`, () => existsSync(join(h.home, 'logs', f)) && readFileSync(join(h.home, 'logs', f), 'utf8').includes('listening on'), 30_000);
  }
  const before = h.sup.status('web').map((r) => r.pid);
  writeFileSync(script, 'throw new Error("broken build");\n'); // the next version cannot start
  const load = httpLoad(port, { concurrency: 4 });
  await assert.rejects(h.sup.reload('web'), (err: unknown) => err instanceof SupervisorError && err.code === 'ERELOAD'
    && /stopped at instance 0: the new instance \(pid \d+\) exited \(code 1\) before it was ready/.test(err.message));
  await waitFor('requests after the failed reload', () => load.snapshot().ok > 20);
  const r = await load.stop();
  assert.equal(r.failed, 0, JSON.stringify(r.errors));
  assert.deepEqual(h.sup.status('web').map((x) => [x.pid, x.state]), before.map((p) => [p, 'online']));
  // Only old instances answer (the kernel may favour one of the processes waiting on the socket).
  assert.ok([...r.byPid.keys()].every((p) => before.includes(Number(p))), JSON.stringify([...r.byPid]));
  const failed = h.kinds('reload-failed');
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.instance, 0);
  // The broken instance was not restarted (it is no instance of the app), and instance 1 was never touched.
  assert.equal(h.events.filter((e) => e.kind === 'start' && e.instance === 1).length, 1);
});

test('a reload new instance that is not ready within listen_timeout is stopped and the reload fails (wait_ready)', async (t) => {
  const h = harness(t);
  const port = await freePort();
  const script = join(h.home, 'ready.mjs');
  // Sends process.send('ready') unless NEVER_READY exists: the "new version" hangs at start.
  writeFileSync(script, `import http from 'node:http';\nimport { existsSync } from 'node:fs';\nhttp.createServer((q, s) => s.end(process.pid + '\\n')).listen(${port}, '127.0.0.1', () => { if (!existsSync(${JSON.stringify(join(h.home, 'NEVER_READY'))})) process.send('ready'); });\n`);
  h.sup.add(app({ name: 'slow', script, instances: 2, wait_ready: true, listen_timeout: '2s', stop: { timeout: '2s' } }));
  await h.sup.start('slow');
  assert.ok(h.kinds('online').every((e) => /ready: process.send\('ready'\)/.test(e.reason)));
  const before = h.sup.status('slow').map((r) => r.pid);
  writeFileSync(join(h.home, 'NEVER_READY'), '');
  await assert.rejects(h.sup.reload('slow'), /not ready within listen_timeout 2s/);
  assert.deepEqual(h.sup.status('slow').map((r) => r.pid), before);
  const timeout = h.kinds('timeout')[0]!;
  assert.equal(timeout.substate, 'stop-sigterm');
  await waitFor('the late instance is gone', () => isDead(timeout.pid!));
  assert.equal(await waitForAnswer(port).then((b) => before.includes(Number(b.trim()))), true);
});

test('scale adds instances that serve and removes the highest ones gracefully, under load without a failed request', async (t) => {
  const h = harness(t);
  const port = await freePort();
  h.sup.add(app({ name: 'web', script: WEB, env: { PORT: String(port) }, instances: 2, listen_timeout: READY }));
  await h.sup.start('web');
  await waitForAnswer(port);
  const load = httpLoad(port, { concurrency: 4 });
  assert.deepEqual(await h.sup.scale('web', 4), { from: 2, to: 4 });
  const four = h.sup.status('web').map((r) => r.pid!);
  await waitFor('all 4 answer', () => four.every((p) => load.snapshot().byPid.has(String(p))), 30_000);
  assert.deepEqual(await h.sup.scale('web', 1), { from: 4, to: 1 });
  await waitFor('requests after the scale down', () => load.snapshot().ok > 20);
  const r = await load.stop();
  assert.equal(r.failed, 0, JSON.stringify(r.errors));
  assert.deepEqual(h.sup.status('web').map((x) => [x.instance, x.pid]), [[0, four[0]]]);
  for (const p of four.slice(1)) assert.ok(isDead(p));
  assert.equal(h.sup.config('web').instances, 1);
  await assert.rejects(h.sup.scale('web', 0), (e: unknown) => e instanceof SupervisorError && e.code === 'ESCALE');
});

test('a SIGKILLed instance is restarted on its own while the other one serves', async (t) => {
  const h = harness(t);
  const port = await freePort();
  h.sup.add(app({ name: 'web', script: WEB, env: { PORT: String(port) }, instances: 2, listen_timeout: READY, restart: { backoff: { initial: '200ms' } } }));
  await h.sup.start('web');
  await waitForAnswer(port);
  const [zero, one] = h.sup.status('web').map((r) => r.pid!);
  process.kill(one!, 'SIGKILL');
  await waitFor('instance 1 down', () => h.sup.status('web')[1]!.state !== 'online' || h.sup.status('web')[1]!.pid !== one);
  // Meanwhile instance 0 answers every request.
  for (let i = 0; i < 5; i++) assert.equal(Number((await waitForAnswer(port, 5_000)).split(' ')[0]), zero);
  await waitFor('instance 1 back with a new pid', () => {
    const s = h.sup.status('web')[1]!;
    return s.state === 'online' && s.pid !== one;
  }, 30_000);
  const crash = h.kinds('crash').find((e) => e.pid === one)!;
  assert.equal(crash.instance, 1);
  assert.equal(crash.signal, 'SIGKILL');
  assert.equal(h.sup.status('web')[0]!.pid, zero);
  assert.equal(h.sup.status('web')[1]!.restarts, 1);
});

test('stop frees the port; a cluster worker stops by closing its server first (no signal needed)', async (t) => {
  const h = harness(t);
  const port = await freePort();
  h.sup.add(app({ name: 'web', script: WEB, env: { PORT: String(port) }, instances: 2, listen_timeout: READY }));
  await h.sup.start('web');
  await waitForAnswer(port);
  await h.sup.stop('web');
  // The daemon's socket is closed with the app: the port can be bound again.
  const { createServer } = await import('node:net');
  await new Promise<void>((resolve, reject) => {
    const s = createServer().once('error', reject).listen(port, '127.0.0.1', () => s.close(() => resolve()));
  });
  // web.mjs has no timers: once its server closed and the channel went, it exits with code 0 (or takes the signal).
  const output = () => readdirSync(join(h.home, 'logs')).map((f) => `${f}: ${readFileSync(join(h.home, 'logs', f), 'utf8')}`).join('\n');
  for (const e of h.kinds('stopped')) assert.match(e.reason, /stopped \((code 0|signal SIGTERM)\)/, `${e.reason}; the app's output:\n${output()}`);
});
