import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { Detector } from '../../src/logs/detect/detector.js';
import { securitySchema } from '../../src/config/schema/security.js';
import { freePort } from '../helpers/free-port.js';

const SERVER = join(import.meta.dirname, '../../examples/app/server.js');


interface App { proc: ChildProcess; lines: Record<string, unknown>[]; raw: string[]; heartbeats: number[]; base: string }

async function startApp(t: { after(fn: () => unknown): void }): Promise<App> {
  const port = await freePort();
  const proc = spawn(process.execPath, [SERVER], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  t.after(() => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL'); });
  const app: App = { proc, lines: [], raw: [], heartbeats: [], base: `http://127.0.0.1:${port}` };
  createInterface({ input: proc.stdout! }).on('line', (l) => { app.raw.push(l); app.lines.push(JSON.parse(l)); });
  proc.on('message', (m: unknown) => { if ((m as { bulwark?: string }).bulwark === 'heartbeat') app.heartbeats.push(Date.now()); });
  await until(() => app.lines.some((l) => l.message === 'listening'), 'listening', 10_000);
  return app;
}

async function until(pred: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function post(app: App, path: string, body: unknown, ip: string): Promise<Response> {
  return fetch(app.base + path, { method: 'POST', body: JSON.stringify(body), headers: { 'x-forwarded-for': ip, 'content-type': 'application/json' } });
}

test('the sample app logs requests as JSON lines that bulwark\'s detector reads as the intended attacks', { timeout: 30_000 }, async (t) => {
  const app = await startApp(t);
  await until(() => app.heartbeats.length >= 1, 'a heartbeat over IPC');
  for (let i = 0; i < 5; i++) assert.equal((await post(app, '/login', { user: 'alice', password: `guess${i}` }, '203.0.113.10')).status, 401);
  assert.equal((await post(app, '/login', { user: 'alice', password: 'hunter2' }, '198.51.100.20')).status, 200);
  assert.equal((await post(app, '/account/email', { user: 'alice', email: 'x@evil.test' }, '198.51.100.20')).status, 200);
  assert.equal((await fetch(`${app.base}/`, { headers: { 'user-agent': 'sqlmap/1.7.2#stable', 'x-forwarded-for': '192.0.2.66' } })).status, 403);
  await fetch(`${app.base}/.env`, { headers: { 'x-forwarded-for': '192.0.2.67' } });
  await fetch(`${app.base}/search?q=1'%20UNION%20SELECT%20password%20FROM%20users--`, { headers: { 'x-forwarded-for': '192.0.2.68' } });
  await until(() => app.lines.filter((l) => l.message !== 'listening').length >= 10, 'ten request lines');

  const login = app.lines.find((l) => l.event === 'login' && l.outcome === 'failure')!;
  assert.deepEqual([login.user, login.ip, login.status, login.method, login.url], ['alice', '203.0.113.10', 401, 'POST', '/login']);
  assert.ok(typeof login.timestamp === 'string' && typeof login.userAgent === 'string');

  const detector = new Detector(securitySchema.parse({}));
  const kinds = app.raw.flatMap((line) => detector.inspect({ app: 'demo', source: 'stdout', line, readAt: Date.now() }, 'auto').map((e) => `${e.kind}:${e.ip}`));
  for (const expected of ['brute-force:203.0.113.10', 'account-change:198.51.100.20', 'tagged:192.0.2.66', 'sensitive-file:192.0.2.67', 'sqli:192.0.2.68']) {
    assert.ok(kinds.includes(expected), `${expected} not in ${kinds.join(', ')}`);
  }
});

test('the sample app crashes with exit 1, and both hang routes stop its heartbeats and its answers', { timeout: 30_000 }, async (t) => {
  const crashing = await startApp(t);
  await fetch(`${crashing.base}/crash`);
  const code = await new Promise((r) => crashing.proc.once('exit', (c) => r(c)));
  assert.equal(code, 1);

  for (const route of ['/hang/busy', '/hang/block']) {
    const app = await startApp(t);
    await until(() => app.heartbeats.length >= 1, 'a heartbeat');
    assert.equal((await fetch(app.base + route)).status, 202);
    await new Promise((r) => setTimeout(r, 300));
    const before = app.heartbeats.length;
    await assert.rejects(fetch(`${app.base}/health`, { signal: AbortSignal.timeout(1500) }));
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(app.heartbeats.length, before, `${route}: no heartbeat while hung`);
    app.proc.kill('SIGKILL');
  }
});
