// `listen:` sockets for any language (systemd's socket activation): the supervisor binds and
// listens, and every instance gets them from fd 3 with LISTEN_FDS, LISTEN_PID (its own pid, set by
// the constant exec shim) and LISTEN_FDNAMES. The port outlives every instance.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SupervisorError } from '../../src/supervisor/errors.js';
import { join } from 'node:path';
import { test } from 'node:test';
import { httpLoad, waitForAnswer } from '../../bench/http-load.js';
import { freePort } from '../helpers/free-port.js';
import { APPS, app, harness, isDead } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';

test('a shell app gets LISTEN_FDS, LISTEN_PID equal to its own pid, LISTEN_FDNAMES and the sockets from fd 3, listening', async (t) => {
  const h = harness(t);
  const [a, b] = [await freePort(), await freePort()];
  const out = join(h.home, 'env.txt');
  const script = join(h.home, 'show.sh');
  // $$ is the shell's pid: the app's own, since the shim exec'd it in place.
  writeFileSync(script, `echo "pid=$$ fds=$LISTEN_FDS lpid=$LISTEN_PID names=$LISTEN_FDNAMES" > ${JSON.stringify(out)}\nls -l /proc/$$/fd/3 /proc/$$/fd/4 >> ${JSON.stringify(out)}\nexec sleep 600\n`);
  h.sup.add(app({ name: 'sh', script, listen: [a, { port: b, host: '127.0.0.1', name: 'admin' }] }));
  await h.sup.start('sh');
  await waitFor('the app wrote its environment', () => existsSync(out) && readFileSync(out, 'utf8').split('\n').length >= 3);
  const text = readFileSync(out, 'utf8');
  const pid = h.sup.status('sh')[0]!.pid!;
  assert.match(text, new RegExp(`^pid=${pid} fds=2 lpid=${pid} names=${a}:admin$`, 'm'));
  assert.match(text, /\/fd\/3 -> socket:/);
  assert.match(text, /\/fd\/4 -> socket:/);
  // Both sockets listen already (a connection waits in the backlog for the app to accept it).
  const { connect } = await import('node:net');
  for (const port of [a, b]) {
    await new Promise<void>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(); });
      s.on('error', reject);
    });
  }
});

test('a Python server on LISTEN_FDS keeps its port across reloads and restarts; the port is free after stop', async (t) => {
  const h = harness(t);
  const port = await freePort();
  h.sup.add(app({ name: 'py', script: join(APPS, 'fd-server.py'), listen: [`127.0.0.1:${port}`], instances: 2 }));
  await h.sup.start('py');
  const first = await waitForAnswer(port);
  assert.match(first, new RegExp(`^\\d+ ${port}\\n$`)); // "<pid> <LISTEN_FDNAMES>"
  const before = h.sup.status('py').map((r) => r.pid!);
  const load = httpLoad(port, { concurrency: 2 });
  const outcome = await h.sup.reload('py');
  assert.equal(outcome.mode, 'rolling');
  await h.sup.restart('py');
  const after = h.sup.status('py').map((r) => r.pid!);
  await waitFor('a new instance answers', () => after.some((p) => load.snapshot().byPid.has(String(p))), 30_000);
  const r = await load.stop();
  // The socket never closed, and the server stops gracefully (as gunicorn does): nothing failed.
  assert.equal(r.failed, 0, JSON.stringify(r.errors));
  for (const p of before) assert.ok(isDead(p));
  await h.sup.stop('py');
  const { createServer } = await import('node:net');
  await new Promise<void>((resolve, reject) => {
    const s = createServer().once('error', reject).listen(port, '127.0.0.1', () => s.close(() => resolve()));
  });
});

test('a new version of a LISTEN_FDS server that exits at start (within restart.minUptime) stops the reload; the old instances serve', async (t) => {
  const h = harness(t);
  const port = await freePort();
  const script = join(h.home, 'server.py');
  copyFileSync(join(APPS, 'fd-server.py'), script);
  // minUptime 4 s, not the default 1 s: on a loaded host Python alone may take over a second to start
  // and exit, and a new instance that lived minUptime is ready (a listen: app's only sign), so the
  // reload would pass.
  h.sup.add(app({ name: 'py', script, listen: [`127.0.0.1:${port}`], instances: 2, restart: { minUptime: '4s' } }));
  await h.sup.start('py');
  // Both old processes have read the script before it changes on disk.
  for (const f of ['py.out.log', 'py@1.out.log']) {
    await waitFor(`${f} says serving`, () => existsSync(join(h.home, 'logs', f)) && readFileSync(join(h.home, 'logs', f), 'utf8').includes('serving on fd 3'), 30_000);
  }
  const before = h.sup.status('py').map((r) => r.pid!);
  writeFileSync(script, 'import sys\nsys.exit(3)\n');
  const load = httpLoad(port, { concurrency: 2 });
  t.after(() => load.stop());
  await assert.rejects(h.sup.reload('py'), (err: Error) => err instanceof SupervisorError && err.code === 'ERELOAD'
    && /stopped at instance 0: the new instance \(pid \d+\) exited \(code 3\) before it was ready/.test(err.message));
  const seen = load.snapshot().ok;
  await waitFor('answers after the failed reload', () => load.snapshot().ok > seen + 10, 30_000);
  const r = await load.stop();
  assert.equal(r.failed, 0, JSON.stringify(r.errors));
  // Only old instances answer (the kernel may favour one of the processes waiting on the socket).
  assert.ok([...r.byPid.keys()].every((p) => before.includes(Number(p))), JSON.stringify([...r.byPid]));
  assert.deepEqual(h.sup.status('py').map((x) => x.pid), before, JSON.stringify(h.events.map((e) => [e.instance, e.kind, e.pid, e.reason])));
  assert.equal(h.kinds('reload-failed').length, 1);
});

test('a port another process holds is a failed start that says why, and is retried with backoff', async (t) => {
  const h = harness(t);
  const { createServer } = await import('node:net');
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
  t.after(() => taken.close());
  const port = (taken.address() as { port: number }).port;
  h.sup.add(app({ name: 'busy', script: join(APPS, 'fd-server.py'), listen: [`127.0.0.1:${port}`] }));
  await assert.rejects(h.sup.start('busy'), /cannot bind 127\.0\.0\.1:\d+ for busy: EADDRINUSE/);
  const s = h.sup.status('busy')[0]!;
  assert.equal(s.state, 'backoff');
  assert.equal(s.lastExit!.cause, 'spawn-failed');
  assert.match(s.errors.join('\n'), /EADDRINUSE/);
});
