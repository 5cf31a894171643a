import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-user-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('apps may name a user and group (names or ids); a bulwark.yml with them stays a bulwark file', async (t) => {
  const dir = tmp(t);
  const file = join(dir, 'bulwark.yml');
  writeFileSync(file, 'apps:\n  - name: api\n    cmd: ["/bin/true"]\n    user: www-data\n    group: 33\n');
  const loaded = await loadConfigFile(file);
  assert.equal(loaded.kind, 'bulwark');
  assert.deepEqual([loaded.config.apps[0]!.user, loaded.config.apps[0]!.group], ['www-data', 33]);
  writeFileSync(file, 'apps:\n  - name: api\n    cmd: ["/bin/true"]\n    user: "bob; rm -rf /"\n');
  await assert.rejects(loadConfigFile(file), (err: unknown) => err instanceof ConfigError && /apps\[0\]\.user/.test(err.message));
});

test("PM2's uid/gid (and the user alias) become user/group, with no warning", async (t) => {
  const dir = tmp(t);
  const file = join(dir, 'ecosystem.json');
  writeFileSync(file, JSON.stringify({ apps: [{ name: 'a', script: '/bin/true', uid: 'nobody', gid: 'nogroup' }, { name: 'b', script: '/bin/true', user: 65534 }] }));
  const loaded = await loadConfigFile(file);
  assert.equal(loaded.kind, 'pm2');
  assert.deepEqual(loaded.config.apps.map((a) => [a.user, a.group]), [['nobody', 'nogroup'], [65534, undefined]]);
  assert.ok(!loaded.warnings.some((w) => /\buid\b|\bgid\b|\buser\b/.test(w)), loaded.warnings.join('\n'));
});
