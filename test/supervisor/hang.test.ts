import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { APPS, app, harness, isDead } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';
import { freePort } from '../helpers/free-port.js';


test('a busy-looping app is caught by its heartbeat and restarted within 3 s of its last beat', async (t) => {
  const h = harness(t);
  const beats = join(h.home, 'beats');
  h.sup.add(app({
    name: 'busy', script: join(APPS, 'busy.mjs'), env: { BEATS_FILE: beats, BUSY_AFTER: '800' },
    health: { heartbeat: { timeout: '2s' } },
  }));
  await h.sup.start('busy');
  const firstPid = h.sup.status('busy')[0]!.pid!;
  await waitFor('first heartbeat', () => h.sup.status('busy')[0]!.health === 'ok');
  const hang = await waitFor('hang event', () => h.kinds('hang', 'heartbeat')[0]);
  assert.match(hang.reason, /no heartbeat for 2s/);
  assert.equal(hang.from, 'online');
  assert.equal(hang.to, 'stopping');
  const online = await waitFor('back online', () => h.kinds('online').find((e) => e.pid !== firstPid));
  const lastBeat = Math.max(...readFileSync(beats, 'utf8').split('\n')
    .filter((l) => l.startsWith('beat ') && l.endsWith(` ${firstPid}`)).map((l) => Number(l.split(' ')[1])));
  const took = Date.parse(online.at) - lastBeat;
  t.diagnostic(`restarted ${took} ms after the last heartbeat`);
  assert.ok(took <= 3000, `restarted ${took} ms after the last heartbeat`);
  assert.ok(isDead(firstPid));
  // Its SIGTERM handler never ran: the escalation to SIGKILL did the work.
  assert.ok(!readFileSync(beats, 'utf8').includes('sigterm handled'));
  const backoff = h.kinds('backoff')[0] ?? h.events.find((e) => e.from === 'stopping' && e.to === 'backoff');
  assert.equal(backoff?.signal, 'SIGKILL');
  assert.equal(backoff?.probe, 'heartbeat');
});

test('a busy loop without heartbeats is caught by the sustained-CPU rule', async (t) => {
  const h = harness(t);
  h.sup.add(app({
    name: 'spin', script: join(APPS, 'busy.mjs'), env: { BEATS_FILE: join(h.home, 'beats'), BUSY_AFTER: '0' },
    // A low bar on purpose: on a loaded 2-core box (load 10) a spinning process may get only ~20%;
    // an idle app sits at 0%, so the rule still tells them apart.
    limits: { cpu: { max: '15%', for: '1s' }, sampleEvery: '250ms' },
  }));
  await h.sup.start('spin');
  const cpu = await waitFor('cpu event', () => h.kinds('cpu')[0], 30_000);
  assert.match(cpu.reason, /cpu \d+% over 15% for/);
  assert.equal(cpu.probe, 'cpu');
  await waitFor('restarted', () => h.kinds('restart', 'cpu')[0]);
});

test('a failing HTTP probe marks health failing, then restarts the app after `failures` in a row', async (t) => {
  const h = harness(t);
  const port = await freePort();
  h.sup.add(app({
    name: 'web', script: join(APPS, 'http-server.mjs'), env: { PORT: String(port), STATUS: '503' },
    // grace: the first checks would otherwise meet a server not yet listening
    health: { http: { url: `http://127.0.0.1:${port}/health`, interval: '200ms', timeout: '1s', failures: 3 }, grace: '1500ms' },
  }));
  await h.sup.start('web');
  const health = await waitFor('health event', () => h.kinds('health', 'http')[0]);
  assert.match(health.reason, /answered 503/);
  const hang = await waitFor('hang by http', () => h.kinds('hang', 'http')[0]);
  assert.match(hang.reason, /http probe failed 3 times in a row: GET .* answered 503/);
  await waitFor('restarted', () => h.kinds('restart', 'http')[0]);
  assert.ok(h.sup.status('web')[0]!.errors.some((e) => e.includes('503')));
});

test('a healthy HTTP probe reports ok; a TCP probe to a closed port fails', async (t) => {
  const h = harness(t);
  const port = await freePort();
  const closed = await freePort();
  h.sup.add(app({
    name: 'ok', script: join(APPS, 'http-server.mjs'), env: { PORT: String(port), STATUS: '200' },
    health: { http: { url: `http://127.0.0.1:${port}/`, interval: '150ms' } },
  }));
  h.sup.add(app({ name: 'tcp', script: join(APPS, 'idle.mjs'), health: { tcp: { port: closed, interval: '150ms', failures: 2 } } }));
  await h.sup.start('ok');
  await h.sup.start('tcp');
  await waitFor('health ok', () => h.sup.status('ok')[0]!.health === 'ok');
  const hang = await waitFor('tcp hang', () => h.kinds('hang', 'tcp')[0]);
  assert.match(hang.reason, /ECONNREFUSED/);
});

test('an app over its memory limit for N samples is restarted', async (t) => {
  const h = harness(t);
  h.sup.add(app({
    name: 'fat', script: join(APPS, 'memory.mjs'), env: { MB: '160' },
    limits: { memory: { max: '100MB', for: 2 }, sampleEvery: '200ms' },
  }));
  await h.sup.start('fat');
  const mem = await waitFor('memory event', () => h.kinds('memory')[0]);
  assert.match(mem.reason, /memory \d+\.\dMB over 100\.0MB for 2 samples/);
  assert.equal(mem.probe, 'memory');
  await waitFor('restarted', () => h.kinds('restart', 'memory')[0]);
});

test('an app that goes silent longer than health.silence is restarted', async (t) => {
  const h = harness(t);
  h.sup.add(app({ name: 'quiet', script: join(APPS, 'idle.mjs'), health: { silence: '700ms' } }));
  await h.sup.start('quiet');
  const hang = await waitFor('silence hang', () => h.kinds('hang', 'silence')[0]);
  assert.match(hang.reason, /no output for 700ms/);
});
