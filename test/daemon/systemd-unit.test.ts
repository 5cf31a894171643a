import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderSystemdUnit, timeoutStopSec, type SystemdUnitOptions } from '../../src/daemon/systemd-unit.js';
import startup, { unitCapabilities } from '../../src/cli/commands/startup.js';

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
  assert.match(unit, new RegExp(`^ExecStart=${process.execPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} --max-semi-space-size=4 --flush-baseline-code --bytecode-old-age=2 \\S+/bin/bulwark daemon --foreground$`, 'm'));
  assert.match(unit, /^Environment="BULWARK_HOME=.*bulwark state 100%%"$/m); // quoted, % escaped
  for (const line of ['ExecReload=/bin/kill -HUP \\$MAINPID', 'KillMode=mixed', 'Restart=always', 'User=daemon', 'NoNewPrivileges=yes', 'PrivateTmp=yes',
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
  const code = await startup.run({ init: 'systemd', install: true, home, runAs: 'nobody', unitDir: join(dir, 'units'), protect: 'strict' },
    { out: (s) => out.push(s), err: (s) => err.push(s) });
  assert.equal(code, 0, err.join('\n'));
  const unit = readFileSync(join(dir, 'units', 'bulwark.service'), 'utf8');
  assert.match(unit, /^TimeoutStopSec=105s$/m);
  assert.match(unit, /-\/srv\/a -\/srv\/b$/m);
  assert.match(out.join('\n'), /systemctl daemon-reload[\s\S]*systemctl enable --now bulwark\.service/);
  assert.equal(statSync(home).mode & 0o777, 0o700);
  if (process.geteuid?.() === 0) assert.equal(statSync(home).uid, 65534, 'the home belongs to the user the unit runs as');
  if (hasAnalyze) assert.equal(verify(dir, unit, 'system').status, 0);
});

test('`startup systemd --user` refuses --run-as, and a bad --stop-timeout is a usage error', async () => {
  const io = { out: () => {}, err: () => {} };
  assert.equal(await startup.run({ init: 'systemd', user: true, runAs: 'root' }, io), 2);
  assert.equal(await startup.run({ init: 'systemd', stopTimeout: 'soon', home: '/nonexistent-bulwark-home' }, io), 2);
});

/** `systemd-analyze security --offline=yes`: the overall exposure (0 safest, 10 worst; 4.9 and below is "OK"). */
function exposure(dir: string, unit: string): { score: number; output: string } {
  const file = join(dir, 'bulwark.service');
  writeFileSync(file, unit);
  const r = spawnSync('systemd-analyze', ['security', '--offline=yes', file], { encoding: 'utf8', env: { ...process.env, SYSTEMD_COLORS: '0' }, timeout: 30_000 });
  const m = /Overall exposure level for bulwark\.service: (\d+\.\d+)/.exec(r.stdout + r.stderr);
  assert.ok(m, r.stdout + r.stderr);
  return { score: Number(m[1]), output: r.stdout };
}

test('the system unit rates OK (<= 4.9) on systemd-analyze security: as the dedicated user, as root for per-app users, and with CAP_NET_ADMIN for bans', { skip: skipVerify }, (t) => {
  const dir = tmp(t);
  const variants: [string, Partial<SystemdUnitOptions>][] = [
    ['dedicated user, --protect full', { runAs: 'bulwark', protection: 'full', stateDirectory: 'bulwark' }],
    ['dedicated user, --protect strict', { runAs: 'bulwark', protection: 'strict' }],
    ['dedicated user, --protect off', { runAs: 'bulwark', protection: 'off' }],
    ['dedicated user with CAP_NET_ADMIN (bans)', { runAs: 'bulwark', protection: 'full', capabilities: ['CAP_NET_ADMIN'] }],
    ['root, for apps with their own user/group', { runAs: 'root', protection: 'full' }],
    ['root with CAP_NET_ADMIN', { runAs: 'root', protection: 'full', capabilities: ['CAP_NET_ADMIN'] }],
  ];
  for (const [what, over] of variants) {
    const unit = renderSystemdUnit(base(dir, over));
    const { score, output } = exposure(dir, unit);
    t.diagnostic(`${what}: ${score}`);
    assert.ok(score <= 4.9, `${what}: exposure ${score}\n${output}`);
    assert.equal(verify(dir, unit, 'system').status, 0, what);
  }
  const dedicated = renderSystemdUnit(base(dir, { runAs: 'bulwark', capabilities: ['CAP_NET_ADMIN'] }));
  assert.match(dedicated, /^CapabilityBoundingSet=CAP_NET_ADMIN$/m);
  assert.match(dedicated, /^AmbientCapabilities=CAP_NET_ADMIN$/m);
  assert.match(renderSystemdUnit(base(dir, { runAs: 'bulwark' })), /^CapabilityBoundingSet=$/m);
  assert.match(renderSystemdUnit(base(dir, { runAs: 'root' })), /^CapabilityBoundingSet=CAP_SETUID CAP_SETGID CAP_KILL CAP_DAC_READ_SEARCH$/m);
});

test('`startup systemd` runs as a dedicated "bulwark" user unless asked otherwise; bans in the config add CAP_NET_ADMIN only', async (t) => {
  const dir = tmp(t);
  const out: string[] = [];
  const io = { out: (s: string) => out.push(s), err: (s: string) => out.push(s) };
  assert.equal(await startup.run({ init: 'systemd', systemdVersion: 252 }, io), 0, out.join('\n'));
  const unit = out.join('\n');
  assert.match(unit, /^User=bulwark$/m);
  assert.match(unit, /^Environment=BULWARK_HOME=\/var\/lib\/bulwark\/\.bulwark$/m);
  assert.match(unit, /^CapabilityBoundingSet=$/m);
  assert.equal(unitCapabilities({ ban: { enabled: true, backend: 'nftables' } } as never).join(), 'CAP_NET_ADMIN');
  assert.equal(unitCapabilities({ ban: { enabled: false } } as never).length, 0);
  assert.equal(unitCapabilities({} as never).length, 0);
  out.length = 0;
  assert.equal(await startup.run({ init: 'systemd', runAs: 'root', home: join(dir, 'h'), cap: ['cap_net_bind_service'] }, io), 0);
  assert.doesNotMatch(out.join('\n'), /^User=/m);
  assert.match(out.join('\n'), /^CapabilityBoundingSet=CAP_SETUID CAP_SETGID CAP_KILL CAP_DAC_READ_SEARCH CAP_NET_BIND_SERVICE$/m);
  assert.equal(await startup.run({ init: 'systemd', cap: ['sudo'] }, io), 2);
});
