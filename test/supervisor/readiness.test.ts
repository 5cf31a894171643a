// Readiness (wait_ready, an HTTP probe's first pass, listen_timeout) for any app, also one of one
// instance, and the graceful stop PM2 apps expect: shutdown_with_message, kill_timeout, SIGKILL.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitForAnswer } from '../../bench/http-load.js';
import { freePort } from '../helpers/free-port.js';
import { APPS, app, harness } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';

const READY = join(APPS, 'ready.mjs');

test('with wait_ready an app is starting (wait-ready) until process.send(\'ready\'), then online', async (t) => {
  const h = harness(t);
  h.sup.add(app({ name: 'r', script: READY, env: { READY_AFTER_MS: '800' }, wait_ready: true, listen_timeout: '30s' }));
  const started = h.sup.start('r');
  await waitFor('waiting for ready', () => h.sup.status('r')[0]!.substate === 'wait-ready');
  assert.equal(h.sup.status('r')[0]!.state, 'starting');
  assert.ok(h.sup.status('r')[0]!.pid !== null);
  await started;
  assert.equal(h.sup.status('r')[0]!.state, 'online');
  const spawned = h.kinds('spawned')[0]!;
  const online = h.kinds('online')[0]!;
  assert.equal(spawned.substate, 'wait-ready');
  assert.match(spawned.reason, /waiting up to 30s for process\.send\('ready'\) \(wait_ready\)/);
  assert.match(online.reason, /^ready: process\.send\('ready'\)$/);
  assert.ok(Date.parse(online.at) - Date.parse(spawned.at) >= 700, 'online only after the message');
});

test('an app that never says ready is online after listen_timeout anyway (as in PM2), and its errors say so', async (t) => {
  const h = harness(t);
  h.sup.add(app({ name: 'mute', script: READY, wait_ready: true, listen_timeout: '600ms' }));
  await h.sup.start('mute');
  const s = h.sup.status('mute')[0]!;
  assert.equal(s.state, 'online');
  assert.match(h.kinds('online')[0]!.reason, /not ready within listen_timeout 600ms .*online anyway/);
  assert.match(s.errors.join('\n'), /not ready within listen_timeout 600ms \(no process\.send\('ready'\)/);
});

test('an app of one instance with an HTTP probe is online once the probe first passes', async (t) => {
  const h = harness(t);
  const port = await freePort();
  h.sup.add(app({
    name: 'web', script: READY, env: { PORT: String(port), LISTEN_AFTER_MS: '700' }, listen_timeout: '30s',
    health: { http: { url: `http://127.0.0.1:${port}/`, interval: '5s' } },
  }));
  await h.sup.start('web');
  assert.equal(h.sup.status('web')[0]!.state, 'online');
  assert.match(h.kinds('online')[0]!.reason, new RegExp(`^ready: GET http://127\\.0\\.0\\.1:${port}/ passed$`));
  await waitForAnswer(port, 1_000); // it answers now, not only later
});

test('shutdown_with_message stops by process.send(\'shutdown\'), without a signal', async (t) => {
  const h = harness(t);
  const file = join(h.home, 'shutdown.txt');
  h.sup.add(app({ name: 'msg', script: READY, env: { SHUTDOWN_FILE: file }, shutdown_with_message: true }));
  await h.sup.start('msg');
  const pid = h.sup.status('msg')[0]!.pid;
  await h.sup.stop('msg');
  assert.equal(readFileSync(file, 'utf8'), `shutdown ${pid}\n`);
  assert.match(h.kinds('stopped')[0]!.reason, /stopped \(code 0\)/);
});

test('kill_timeout bounds the graceful stop: an app that ignores the shutdown message and the signal is SIGKILLed', async (t) => {
  const h = harness(t);
  const file = join(h.home, 'shutdown.txt');
  h.sup.add(app({ name: 'stubborn', script: READY, env: { SHUTDOWN_FILE: file, STUBBORN: '1' }, shutdown_with_message: true, kill_timeout: '500ms' }));
  await h.sup.start('stubborn');
  const t0 = Date.now();
  await h.sup.stop('stubborn');
  assert.ok(existsSync(file), 'the message was sent');
  assert.equal(h.kinds('kill').length, 1);
  assert.match(h.kinds('kill')[0]!.reason, /not enough after 500ms: SIGKILL/);
  assert.equal(h.kinds('stopped')[0]!.signal, 'SIGKILL');
  assert.ok(Date.now() - t0 < 8_000);
});

test('each instance gets its number in instance_var and increment_var raised by it (fork mode: a port each)', async (t) => {
  const h = harness(t);
  const base = await freePort();
  const next = await freePort();
  t.diagnostic(`ports ${base} ${next}`);
  // Two free ports in a row are not guaranteed: take the base from a free pair.
  const port = next === base + 1 ? base : await (async () => { for (;;) { const p = await freePort(); if (p < 65000 && await free(p + 1)) return p; } })();
  h.sup.add(app({ name: 'pair', script: READY, exec_mode: 'fork', instances: 2, increment_var: 'PORT', instance_var: 'INSTANCE_ID', env: { PORT: String(port) } }));
  await h.sup.start('pair');
  assert.match(await waitForAnswer(port), new RegExp(` ${port}\\n$`));
  assert.match(await waitForAnswer(port + 1), new RegExp(` ${port + 1}\\n$`));
  const pids = h.sup.status('pair').map((r) => r.pid!);
  for (const [i, pid] of pids.entries()) {
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    assert.ok(env.includes(`INSTANCE_ID=${i}`), `instance ${i} has INSTANCE_ID`);
    assert.ok(env.includes(`PORT=${port + i}`));
    assert.ok(!env.some((e) => e.startsWith('NODE_UNIQUE_ID=')), 'fork mode: no cluster worker');
  }
});

async function free(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}
