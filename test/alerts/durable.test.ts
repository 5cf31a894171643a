import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startWebhook } from './helpers/receivers.js';
import { lifecycle, security, tempDir } from './helpers/fixtures.js';
import { OUTAGE_MS, seconds } from '../helpers/durations.js';
import { waitFor } from '../helpers/wait-for.js';

interface Child {
  proc: ChildProcess;
  lines: Record<string, unknown>[];
}

function startChild(config: unknown, stateDir: string): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'helpers/manager-child.ts'), JSON.stringify(config), stateDir], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: proc.stdout! }).on('line', (l) => lines.push(JSON.parse(l)));
  return { proc, lines };
}

function kill(c: Child): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => { c.proc.once('exit', () => resolve()); c.proc.kill('SIGKILL'); });
}

test(`webhook down ${seconds(OUTAGE_MS)} with the alerting process SIGKILLed in between: every alert arrives exactly once`, { timeout: 40_000 + OUTAGE_MS }, async (t) => {
  const hook = await startWebhook();
  t.after(() => hook.close());
  const stateDir = tempDir(t);
  const config = { channels: [{ type: 'webhook', url: hook.url, timeout: '2s' }], retry: { initial: '200ms', max: '2s' } };
  hook.down = true;
  const downSince = Date.now();

  const first = startChild(config, stateDir);
  t.after(() => kill(first));
  await waitFor('first child ready', () => first.lines.some((l) => l.ready), 20_000);
  const events = [
    ...['a1', 'a2', 'a3', 'a4'].map((app) => lifecycle(app, 'crash', { reason: 'exited with code 1' })),
    lifecycle('a5', 'hang', { probe: 'heartbeat' }),
    security({ ip: '203.0.113.99' }),
  ];
  for (const e of events) first.proc.stdin!.write(`${JSON.stringify(e)}\n`);
  await waitFor('failed attempts before the kill', () => first.lines.filter((l) => l.kind === 'alert.failed').length >= 3, 20_000);
  assert.equal(readdirSync(join(stateDir, 'pending')).filter((f) => f.endsWith('.json')).length, 6, 'all six alerts queued on disk');
  await kill(first);

  const second = startChild(config, stateDir);
  t.after(() => kill(second));
  await waitFor('second child ready', () => second.lines.some((l) => l.ready), 20_000);
  assert.deepEqual(second.lines.find((l) => l.ready)!.pending, { alerts: 6, deliveries: 6 });
  await waitFor('the restarted process retrying', () => second.lines.some((l) => l.kind === 'alert.failed'), 20_000);
  await waitFor('the outage', () => Date.now() - downSince >= OUTAGE_MS, OUTAGE_MS + 5_000);
  hook.down = false;

  await waitFor('six alert.sent', () => second.lines.filter((l) => l.kind === 'alert.sent').length === 6, 20_000);
  second.proc.stdin!.write('pending\n');
  await waitFor('pending report', () => second.lines.some((l) => l.pending && !l.ready));
  assert.deepEqual(second.lines.find((l) => l.pending && !l.ready)!.pending, { alerts: 0, deliveries: 0 });
  // Give a duplicate every chance to show up before counting.
  await new Promise((r) => setTimeout(r, 1500));
  const ids = hook.hits.map((h) => h.body.bulwark.id);
  assert.equal(ids.length, 6, `received ${ids.length}`);
  assert.equal(new Set(ids).size, 6);
  assert.deepEqual(hook.hits.map((h) => h.body.bulwark.app).sort(), ['a1', 'a2', 'a3', 'a4', 'a5', 'api']);
  assert.ok(hook.refused >= 4, `${hook.refused} refused attempts`);
  assert.deepEqual(readdirSync(join(stateDir, 'pending')), [], 'queue emptied');

  // A third start on the same state sends nothing again.
  await kill(second);
  const third = startChild(config, stateDir);
  t.after(() => kill(third));
  await waitFor('third child ready', () => third.lines.some((l) => l.ready), 20_000);
  assert.deepEqual(third.lines.find((l) => l.ready)!.pending, { alerts: 0, deliveries: 0 });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(hook.hits.length, 6);
});

test('a torn or foreign file in the queue is set aside, the rest still loads', async (t) => {
  const { writeFileSync } = await import('node:fs');
  const { AlertQueue } = await import('../../src/alerts/queue.js');
  const dir = tempDir(t);
  const q = new AlertQueue(dir);
  await q.save({ v: 1, alert: { id: 'a1', at: '', host: 'h', app: 'x', kind: 'crash', reason: 'r', severity: 'critical' }, expiresAt: Date.now() + 1000, deliveries: { webhook: { state: 'pending', attempts: 0 } } });
  writeFileSync(join(q.dir, 'zz.json'), '{"v":1,"alert":');
  writeFileSync(join(q.dir, 'a2.json.tmp'), 'partial');
  const { alerts, bad } = q.load();
  assert.deepEqual(alerts.map((a) => a.alert.id), ['a1']);
  assert.equal(bad, 1);
  assert.deepEqual(readdirSync(q.dir).sort(), ['a1.json', 'zz.json.bad']);
});

test('a SIGKILL after the receiver took an alert but before it was recorded resends it with the same id (at least once)', { timeout: 45_000 }, async (t) => {
  const { writeFileSync, readFileSync } = await import('node:fs');
  const dir = tempDir(t);
  const stateDir = join(dir, 'state');
  const received = join(dir, 'received.txt');
  const marker = join(dir, 'killed-once');
  const script = join(dir, 'receiver.cjs');
  // Takes the alert, then (the first time only) SIGKILLs the process that is delivering it.
  writeFileSync(script, `
const fs = require('node:fs');
let input = '';
process.stdin.on('data', (c) => { input += c; }).on('end', () => {
  fs.appendFileSync(${JSON.stringify(received)}, JSON.parse(input).id + '\\n');
  if (!fs.existsSync(${JSON.stringify(marker)})) { fs.writeFileSync(${JSON.stringify(marker)}, ''); process.kill(process.ppid, 'SIGKILL'); }
});`);
  const config = { channels: [{ type: 'exec', command: [process.execPath, script] }] };
  const first = startChild(config, stateDir);
  t.after(() => kill(first));
  await waitFor('first child ready', () => first.lines.some((l) => l.ready), 20_000);
  first.proc.stdin!.write(`${JSON.stringify(lifecycle('api', 'crash'))}\n`);
  await new Promise<void>((resolve) => first.proc.once('exit', () => resolve()));
  assert.equal(first.lines.filter((l) => l.kind === 'alert.sent').length, 0, 'killed before recording');

  const second = startChild(config, stateDir);
  t.after(() => kill(second));
  await waitFor('resent after restart', () => second.lines.some((l) => l.kind === 'alert.sent'), 20_000);
  const ids = readFileSync(received, 'utf8').trim().split('\n');
  assert.equal(ids.length, 2);
  assert.equal(ids[0], ids[1], 'the duplicate carries the same alert id, so a receiver can drop it');
});
