// `bulwark events -n 500 | head -1`: when the reader closes the pipe, events, logs and their -f
// forms end quietly with exit 0 (no EPIPE stack trace), with the daemon up or down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BIN, TestHome } from '../helpers/bulwark-cli.js';

const IDLE = resolve(import.meta.dirname, '../helpers/apps/idle.mjs');

/** Runs bulwark like `bulwark ... | head -1`: reads the first line, closes the pipe, then calls `after`. */
function headOne(h: TestHome, args: string[], after: () => void = () => {}): Promise<{ code: number | null; signal: string | null; first: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: h.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let first = '';
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.on('data', (d: Buffer) => {
      if (first.includes('\n')) return;
      first += d.toString();
      if (first.includes('\n')) { child.stdout.destroy(); after(); }
    });
    const timer = setTimeout(() => { child.kill('SIGKILL'); fail(new Error(`bulwark ${args.join(' ')} did not end after its pipe closed\n${stderr}`)); }, 30_000);
    child.on('close', (code, signal) => { clearTimeout(timer); done({ code, signal, first: first.split('\n')[0]!, stderr }); });
  });
}

/** A history of 3,000 events and a capture file of 20,000 lines: both far more than a pipe holds. */
function bigHome(h: TestHome): void {
  mkdirSync(join(h.home, 'state'), { recursive: true, mode: 0o700 });
  mkdirSync(join(h.home, 'logs'), { recursive: true, mode: 0o700 });
  const at = new Date().toISOString();
  writeFileSync(join(h.home, 'state', 'events.jsonl'), Array.from({ length: 3000 }, (_, i) =>
    `${JSON.stringify({ id: `e${i}`, at, type: 'lifecycle', app: 'a', kind: 'exit', reason: `old exit ${i} ${'x'.repeat(80)}` })}\n`).join(''), { mode: 0o600 });
  writeFileSync(join(h.home, 'logs', 'a.out.log'), Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'y'.repeat(60)}\n`).join(''), { mode: 0o600 });
}

function assertQuiet(r: { code: number | null; signal: string | null; stderr: string }, what: string): void {
  assert.equal(r.signal, null, what);
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /EPIPE|Error|at /, what);
}

test('events -n, logs -n and events -f end quietly when the pipe closes, with the daemon down', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  bigHome(h);
  assertQuiet(await headOne(h, ['events', '-n', '3000']), 'events -n 3000 (from disk)');
  assertQuiet(await headOne(h, ['events', '--json', '-n', '3000']), 'events --json');
  assertQuiet(await headOne(h, ['logs', 'a', '-n', '20000']), 'logs -n 20000');
  const followed = await headOne(h, ['logs', 'a', '-f', '-n', '1'], () => {
    for (let i = 0; i < 50; i++) appendFileSync(join(h.home, 'logs', 'a.out.log'), `${'z'.repeat(4000)}\n`);
  });
  assertQuiet(followed, 'logs -f');
  assert.match(followed.first, /^a\|out line 19999 /);
});

test('events -f from the daemon ends quietly when the pipe closes and the next events are written', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  bigHome(h);
  assert.equal((await h.run(['start', IDLE, '--name', 'b'])).code, 0);
  assertQuiet(await headOne(h, ['events', '-n', '3000']), 'events -n 3000 (daemon)');
  let restarts: Promise<unknown> = Promise.resolve();
  const followed = await headOne(h, ['events', '-f', '-n', '1'], () => {
    restarts = (async () => { for (let i = 0; i < 3; i++) await h.run(['restart', 'b']); })();
  });
  await restarts;
  assertQuiet(followed, 'events -f');
});
