import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecBanBackend } from '../../src/ban/exec-backend.js';
import type { ActiveBan } from '../../src/ban/ban-store.js';
import { isAlive } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

function tool(t: { after(fn: () => void): void }, body: string): { dir: string; file: string; calls: () => string[][] } {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-exec-ban-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'firewall');
  // Records its argv, one JSON array a line, then does what the test asks.
  writeFileSync(file, `#!/usr/bin/env node\nrequire('fs').appendFileSync(${JSON.stringify(join(dir, 'calls'))}, JSON.stringify(process.argv.slice(2)) + '\\n');\n${body}\n`);
  chmodSync(file, 0o755);
  const calls = () => (existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]) : []);
  return { dir, file, calls };
}

const ban = (target: string, now: number, ms: number): ActiveBan => ({
  target, ip: target, family: target.includes(':') ? 6 : 4, since: now, until: now + ms, count: 1, by: 'user', reason: 'x',
});

test('exec: the address and the seconds left are arguments of an argv run without a shell', async (t) => {
  const { file, calls, dir } = tool(t, '');
  const b = new ExecBanBackend({ ban: [file, 'add', '--note', '$(touch pwned)'], unban: [file, 'remove'], timeout: 10_000 });
  const now = Date.now();
  await b.add([ban('192.0.2.7', now, 3_600_000), ban('2001:db8::7', now, 90_000)], now);
  await b.remove([ban('192.0.2.7', now, 1)]);
  const got = calls().sort();
  assert.deepEqual(got, [
    ['add', '--note', '$(touch pwned)', '192.0.2.7', '3600'],
    ['add', '--note', '$(touch pwned)', '2001:db8::7', '90'],
    ['remove', '192.0.2.7'],
  ].sort());
  assert.ok(!existsSync(join(dir, 'pwned')) && !existsSync('pwned'), 'no shell ever saw the arguments');
});

test('exec: a failing program is an error with its stderr; start re-applies only bans kill lifted; expiry unbans', async (t) => {
  const { file, calls } = tool(t, "if (process.argv[2] === 'fail') { console.error('quota exceeded'); process.exit(3); }");
  const now = Date.now();
  const failing = new ExecBanBackend({ ban: [file, 'fail'], unban: [file, 'remove'], timeout: 10_000 });
  await assert.rejects(failing.add([ban('192.0.2.7', now, 60_000)], now), /192\.0\.2\.7: .* exited with code 3: quota exceeded/);
  const b = new ExecBanBackend({ ban: [file, 'add'], unban: [file, 'remove'], timeout: 10_000 });
  await b.start([ban('192.0.2.8', now, 60_000)], true, now);
  assert.equal(calls().filter((c) => c[0] === 'add').length, 0, 'still in force: nothing to do');
  await b.start([ban('192.0.2.8', now, 60_000)], false, now);
  assert.deepEqual(calls().filter((c) => c[0] === 'add'), [['add', '192.0.2.8', '60']]);
  await b.expire([ban('192.0.2.8', now, 60_000)]);
  await b.stop(false, [ban('192.0.2.9', now, 60_000)]);
  await b.stop(true, [ban('192.0.2.10', now, 60_000)]);
  assert.deepEqual(calls().filter((c) => c[0] === 'remove'), [['remove', '192.0.2.8'], ['remove', '192.0.2.9']]);
});

test('exec: the timeout kills the program and what it started', async (t) => {
  const { file, dir } = tool(t, `
const child = require('child_process').spawn('sleep', ['60'], { stdio: 'ignore' });
require('fs').writeFileSync(process.env.CHILD_FILE, String(child.pid));
setInterval(() => {}, 1000);`);
  const childFile = join(dir, 'child');
  process.env.CHILD_FILE = childFile;
  t.after(() => { delete process.env.CHILD_FILE; });
  const b = new ExecBanBackend({ ban: [file], unban: [file], timeout: 3000 });
  const now = Date.now();
  await assert.rejects(b.add([ban('192.0.2.7', now, 60_000)], now), /timed out after 3000ms/);
  const pid = Number(await waitFor('the child pid', () => existsSync(childFile) && readFileSync(childFile, 'utf8')));
  await waitFor('the grandchild gone', () => !isAlive(pid), 5000);
});
