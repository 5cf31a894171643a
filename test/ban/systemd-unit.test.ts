// The generated unit grants CAP_NET_ADMIN, and only it, when the config bans with nftables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { banCapabilities, renderSystemdUnit, type SystemdUnitOptions } from '../../src/daemon/systemd-unit.js';
import startup from '../../src/cli/commands/startup.js';
import { securitySchema } from '../../src/config/schema/security.js';

const ban = (over: Record<string, unknown>) => securitySchema.parse({ ban: over }).ban;

const base: SystemdUnitOptions = {
  scope: 'system', nodePath: '/usr/bin/node', bulwarkBin: '/opt/bulwark/bin/bulwark', home: '/var/lib/bulwark',
  maxStopTimeoutMs: 10_000, systemdVersion: 252, protection: 'full', runAs: 'bulwark',
};

test('only nftables bans that really apply need a capability, and it is CAP_NET_ADMIN', () => {
  assert.deepEqual(banCapabilities(ban({ enabled: true })), ['CAP_NET_ADMIN']);
  assert.deepEqual(banCapabilities(ban({ enabled: false })), []);
  assert.deepEqual(banCapabilities(ban({ enabled: true, dryRun: true })), []);
  assert.deepEqual(banCapabilities(ban({ enabled: true, backend: 'exec', exec: { ban: ['/bin/true'], unban: ['/bin/true'] } })), []);
  assert.deepEqual(banCapabilities(undefined), []);
});

test('with bans on, the unit differs only by CAP_NET_ADMIN', () => {
  const CAP_KEYS = /^(CapabilityBoundingSet|AmbientCapabilities)=/;
  const capsOf = (lines: string[], key: string) => new Set(lines.find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1).split(/\s+/).filter(Boolean) ?? []);
  const off = renderSystemdUnit(base).split('\n');
  const on = renderSystemdUnit({ ...base, capabilities: banCapabilities(ban({ enabled: true })) }).split('\n');
  assert.deepEqual(on.filter((l) => !CAP_KEYS.test(l)), off.filter((l) => !CAP_KEYS.test(l)), 'nothing else changes');
  let gained = 0;
  for (const key of ['CapabilityBoundingSet', 'AmbientCapabilities']) {
    const [before, after] = [capsOf(off, key), capsOf(on, key)];
    assert.deepEqual([...before].filter((c) => !after.has(c)), [], `${key} loses nothing`);
    const added = [...after].filter((c) => !before.has(c));
    assert.ok(added.every((c) => c === 'CAP_NET_ADMIN'), `${key} gains only CAP_NET_ADMIN: ${added.join(' ')}`);
    gained += added.length;
  }
  assert.ok(gained > 0, 'CAP_NET_ADMIN is granted');
});

test('startup systemd --config reads the bans from the config', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-ban-unit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const render = async (banYaml: string) => {
    const file = join(dir, `c${banYaml.length}.yml`);
    writeFileSync(file, `apps: []\nsecurity:\n  ban: ${banYaml}\n`);
    let out = '';
    let err = '';
    const code = await startup.run({ init: 'systemd', runAs: 'daemon', home: join(dir, 'home'), config: file, protect: 'full', systemdVersion: 252 },
      { out: (s) => { out += s; }, err: (s) => { err += s; } });
    assert.equal(code, 0, err);
    return { out, err };
  };
  assert.match((await render('{ enabled: true }')).out, /^AmbientCapabilities=CAP_NET_ADMIN$/m);
  assert.doesNotMatch((await render('{ enabled: false }')).out, /CAP_NET_ADMIN/);
  assert.doesNotMatch((await render('{ enabled: true, dryRun: true }')).out, /CAP_NET_ADMIN/);
});
