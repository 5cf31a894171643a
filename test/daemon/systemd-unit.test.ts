import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderSystemdUnit, timeoutStopSec, type SystemdUnitOptions } from '../../src/daemon/systemd-unit.js';
import startup from '../../src/cli/commands/startup.js';

const hasAnalyze = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).status === 0;
const skipVerify = hasAnalyze ? false : 'systemd-analyze is not installed (apt-get install systemd); the unit cannot be linted here';
const BIN = join(import.meta.dirname, '../../bin/bulwark');

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-systemd-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `systemd-analyze verify`, offline; any warning (unknown key, bad value) counts as a failure. */
function verify(dir: string, unit: string, scope: 'system' | 'user'): { status: number | null; output: string } {
  const unitDir = join(dir, scope);
  mkdirSync(unitDir, { recursive: true });
  const file = join(unitDir, 'bulwark.service');
  writeFileSync(file, unit);
  const runtime = join(dir, 'run');
  mkdirSync(runtime, { recursive: true, mode: 0o700 });
  const r = spawnSync('systemd-analyze', [...(scope === 'user' ? ['--user'] : []), 'verify', file], {
    encoding: 'utf8', env: { ...process.env, XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_COLOR: '0' }, timeout: 30_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

function base(dir: string, over: Partial<SystemdUnitOptions> = {}): SystemdUnitOptions {
  return {
    scope: 'system', nodePath: process.execPath, bulwarkBin: BIN, home: '/var/lib/bulwark state 100%',
    maxStopTimeoutMs: 45_000, systemdVersion: 252, protection: 'strict', runAs: 'daemon',
    appDirs: ['/srv/api'], writablePaths: ['/var/lib/api'], path: '/usr/bin:/bin', ...over,
  };
}

test('the system unit passes systemd-analyze verify with no warning on systemd 252', { skip: skipVerify }, (t) => {
  const dir = tmp(t);
  const unit = renderSystemdUnit(base(dir));
  const r = verify(dir, unit, 'system');
  assert.equal(r.status, 0, r.output);
  assert.doesNotMatch(r.output, /Unknown key|ignoring|Failed|not executable|Invalid/i);
});

test('the user unit passes systemd-analyze --user verify', { skip: skipVerify }, (t) => {
  const dir = tmp(t);
  const unit = renderSystemdUnit(base(dir, { scope: 'user', runAs: undefined }));
  const r = verify(dir, unit, 'user');
  assert.equal(r.status, 0, r.output);
  assert.doesNotMatch(r.output, /Unknown key|ignoring|Failed|Invalid/i);
  assert.match(unit, /WantedBy=default\.target/);
  assert.doesNotMatch(unit, /^User=|^ProtectSystem=/m);
});

test('the unit runs the daemon in the foreground with mixed kill, restart always and the asked hardening', (t) => {
  const dir = tmp(t);
  const unit = renderSystemdUnit(base(dir));
  assert.match(unit, new RegExp(`^ExecStart=${process.execPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} --max-semi-space-size=4 \\S+/bin/bulwark daemon --foreground$`, 'm'));
  assert.match(unit, /^Environment="BULWARK_HOME=.*bulwark state 100%%"$/m); // quoted, % escaped
  for (const line of ['KillMode=mixed', 'Restart=always', 'User=daemon', 'NoNewPrivileges=yes', 'PrivateTmp=yes',
    'ProtectSystem=strict', 'ProtectHome=read-only', 'LimitNOFILE=65536', 'StartLimitIntervalSec=0']) {
    assert.match(unit, new RegExp(`^${line}$`, 'm'), line);
  }
  assert.match(unit, /^ReadWritePaths=".*bulwark state 100%%" -\/srv\/api -\/var\/lib\/api$/m);
  assert.match(unit, /^TimeoutStopSec=60s$/m); // above the slowest app's 45 s stop timeout
  assert.ok(timeoutStopSec(1_000) >= 30);
  // systemd < 254 would ignore RestartSteps: a fixed delay instead
  assert.doesNotMatch(unit, /^RestartSteps=/m);
  assert.match(unit, /^RestartSec=2s$/m);
  assert.match(renderSystemdUnit(base(dir, { systemdVersion: 254 })), /^RestartSteps=\d+\nRestartMaxDelaySec=60s$/m);
  // full protection keeps /var writable; off drops ProtectSystem entirely
  assert.match(renderSystemdUnit(base(dir, { protection: 'full' })), /^ProtectSystem=full$/m);
  assert.doesNotMatch(renderSystemdUnit(base(dir, { protection: 'off' })), /ProtectSystem/);
  assert.match(renderSystemdUnit(base(dir, { home: '/tmp/bw' })), /# PrivateTmp is off/);
});

test('`startup systemd --install` writes the unit, sizes TimeoutStopSec from the saved app table and prints the systemctl commands', async (t) => {
  const dir = tmp(t);
  const home = join(dir, 'home');
  mkdirSync(join(home, 'state'), { recursive: true });
  writeFileSync(join(home, 'state', 'apps.json'), JSON.stringify({
    savedAt: new Date().toISOString(),
    config: { apps: [{ name: 'a', cwd: '/srv/a', stop: { timeout: 90_000 } }, { name: 'b', cwd: '/srv/b', stop: { timeout: 5_000 } }] },
  }));
  const out: string[] = [];
  const err: string[] = [];
  const code = await startup.run({ init: 'systemd', install: true, home, unitDir: join(dir, 'units'), protect: 'strict' },
    { out: (s) => out.push(s), err: (s) => err.push(s) });
  assert.equal(code, 0, err.join('\n'));
  const unit = readFileSync(join(dir, 'units', 'bulwark.service'), 'utf8');
  assert.match(unit, /^TimeoutStopSec=105s$/m);
  assert.match(unit, /-\/srv\/a -\/srv\/b$/m);
  assert.match(out.join('\n'), /systemctl daemon-reload[\s\S]*systemctl enable --now bulwark\.service/);
  assert.equal(statSync(home).mode & 0o777, 0o700);
  if (hasAnalyze) assert.equal(verify(dir, unit, 'system').status, 0);
});

test('`startup systemd --user` refuses --run-as, and a bad --stop-timeout is a usage error', async () => {
  const io = { out: () => {}, err: () => {} };
  assert.equal(await startup.run({ init: 'systemd', user: true, runAs: 'root' }, io), 2);
  assert.equal(await startup.run({ init: 'systemd', stopTimeout: 'soon', home: '/nonexistent-bulwark-home' }, io), 2);
});
