import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import importCommand from '../../src/cli/commands/import.js';
import { parseConfigText } from '../../src/config/load.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

test('`import pm2` prints a loadable bulwark.yml and the unknown keys on stderr, exit 0', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-import-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const eco = join(dir, 'ecosystem.config.cjs');
  writeFileSync(eco, 'module.exports = { apps: [{ name: "api", script: "s.js", merge_logs: true, cron_restart: "*/5 * * * *" }] };');
  const c = capture();
  assert.equal(await importCommand.run({ from: 'pm2', file: eco }, c.io), 0);
  assert.match(c.err.join('\n'), /merge_logs \(api\)/);
  const config = parseConfigText(c.out.join(''), join(dir, 'bulwark.yml'));
  assert.equal(config.apps[0]!.cron, '*/5 * * * *');
});

test('`import pm2` on a broken file exits 78 listing the issues', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-import-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const eco = join(dir, 'ecosystem.json');
  writeFileSync(eco, '{"apps": [{"name": "bad name", "script": "s.js", "kill_timeout": "x", "merge_logs": true}]}');
  const c = capture();
  assert.equal(await importCommand.run({ from: 'pm2', file: eco }, c.io), 78);
  const text = c.err.join('\n');
  assert.doesNotMatch(text, /apps\[0\]\.name/); // a name with a space is made safe (with a warning), not an error
  assert.match(text, /apps\[0\]\.kill_timeout/);
  assert.deepEqual(c.out, []);
});
