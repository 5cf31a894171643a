// Break 8 of issue 16: apps still work inside the hardened unit. No systemd runs as PID 1 here, so
// the unit's credentials are reproduced with setpriv (the user, the capability bounding set, no new
// privileges), and its system call filter is checked with strace: every call the daemon and a
// real app make (HTTP server, heartbeat IPC, a child process, stop) must be in the set the unit
// allows, as `systemd-analyze syscall-filter` expands it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BIN } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { ROOT_CAPABILITIES } from '../../src/daemon/systemd-unit.js';

const NOBODY = 65534;
const have = (tool: string, ...args: string[]) => spawnSync(tool, args, { stdio: 'ignore' }).status === 0;
const skip = process.geteuid?.() !== 0 ? 'needs root (switches users)'
  : !have('setpriv', '--version') ? 'setpriv (util-linux) is not installed'
    : !have('strace', '-V') ? 'strace is not installed (scripts/install-test-deps.sh)'
      : !have('systemd-analyze', '--version') ? 'systemd-analyze is not installed' : false;

/** Calls a filter allows: `systemd-analyze syscall-filter` groups, expanded recursively. */
function filterSet(allow: string[], deny: string[]): Set<string> {
  const text = spawnSync('systemd-analyze', ['syscall-filter'], { encoding: 'utf8' }).stdout;
  const groups = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('@')) groups.set(line.split(/\s/)[0]!, current = []);
    else if (current && /^\s+[@a-z0-9_]/.test(line)) current.push(line.trim());
  }
  const expand = (name: string): string[] => (name.startsWith('@') ? (groups.get(name) ?? []).flatMap(expand) : [name]);
  const denied = new Set(deny.flatMap(expand));
  return new Set(allow.flatMap(expand).filter((c) => !denied.has(c)));
}

/**
 * Made outside the filter's set, and harmless when refused with EPERM: V8 asks for a memory
 * protection key and runs without one when it gets none (most CPUs have none anyway).
 */
const TOLERATED = new Set(['pkey_alloc']);

const APP = `
const http = require('http');
const { execFileSync } = require('child_process');
const server = http.createServer((q, r) => r.end('uid ' + process.getuid())).listen(0, '127.0.0.1', () => {
  require('fs').writeFileSync(process.env.PORT_FILE, String(server.address().port));
});
setInterval(() => process.send({ bulwark: 'heartbeat' }), 200);
console.log('child ran as ' + execFileSync('id', ['-u']).toString().trim());
`;

interface Sandbox { dir: string; home: string; work: string; trace: string; as: string[] }

function sandbox(t: { after(fn: () => void): void }, mode: 'dedicated' | 'root'): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-unit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o711); // the app user (and, dedicated, the daemon) must reach inside
  const home = join(dir, 'home');
  const work = join(dir, 'work');
  mkdirSync(home, { mode: 0o700 });
  mkdirSync(work, { mode: 0o700 });
  chownSync(work, NOBODY, NOBODY); // the app's own directory, private to it
  if (mode === 'dedicated') chownSync(home, NOBODY, NOBODY);
  writeFileSync(join(dir, 'app.js'), APP, { mode: 0o644 });
  const caps = mode === 'root' ? ROOT_CAPABILITIES.map((c) => `+${c.slice(4).toLowerCase()}`) : [];
  const as = ['setpriv', ...(mode === 'dedicated' ? [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'] : []),
    `--bounding-set=${['-all', ...caps].join(',')}`, '--inh-caps=-all', '--no-new-privs', '--'];
  return { dir, home, work, trace: join(mode === 'dedicated' ? work : dir, 'trace'), as };
}

/** The CLI under the same credentials (async: the test's event loop must keep reaping the daemon it spawned). */
function cli(s: Sandbox, ...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(s.as[0]!, [...s.as.slice(1), process.execPath, BIN, ...args], { env: { ...process.env, BULWARK_HOME: s.home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('close', (code) => resolve({ code, out }));
  });
}

async function scenario(t: { after(fn: () => void): void }, s: Sandbox, user: number, config: string): Promise<void> {
  const daemon: ChildProcess = spawn(s.as[0]!, [...s.as.slice(1), 'strace', '-f', '-qq', '-o', s.trace, process.execPath, BIN, 'daemon', '--foreground'],
    { env: { ...process.env, BULWARK_HOME: s.home }, stdio: 'ignore' });
  const exited = new Promise((r) => daemon.once('exit', r));
  t.after(() => { daemon.kill('SIGKILL'); });
  await waitFor('the daemon socket', () => existsSync(join(s.home, 'daemon.sock')), 30_000);
  const cfg = join(s.dir, 'app.yml');
  writeFileSync(cfg, config, { mode: 0o644 });
  const started = await cli(s, 'start', cfg);
  assert.equal(started.code, 0, started.out);
  const port = await waitFor('the app listens', () => { try { return readFileSync(join(s.work, 'port'), 'utf8'); } catch { return null; } }, 30_000);
  assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), `uid ${user}`);
  await waitFor('the child process logged', async () => (await cli(s, 'logs', 'web')).out.includes(`child ran as ${user}`), 20_000);
  const status = JSON.parse((await cli(s, 'status', '--json')).out) as { state: string; health: string }[];
  assert.equal(status[0]!.state, 'online');
  const capture = statSync(join(s.home, 'logs', 'web.out.log'));
  assert.equal(capture.uid, statSync(s.home).uid, 'capture files belong to the daemon user, not the app');
  assert.equal(capture.mode & 0o777, 0o600);
  assert.equal((await cli(s, 'stop', 'web')).code, 0);
  assert.equal((await cli(s, 'kill')).code, 0);
  await exited;
}

function calls(trace: string): Set<string> {
  const out = new Set<string>();
  for (const m of readFileSync(trace, 'utf8').matchAll(/^\d+\s+([a-z0-9_]+)\(/gm)) out.add(m[1]!);
  return out;
}

/** The first directory above `path` that other users cannot enter (the dedicated user could not reach bulwark). */
function closedAncestor(path: string): string | undefined {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) if ((statSync(dir).mode & 0o001) === 0) return dir;
  return undefined;
}

test('as the dedicated user with no capabilities: the app serves, heartbeats, runs a child and stops; every system call is one the unit allows', { skip }, async (t) => {
  const closed = closedAncestor(BIN);
  assert.equal(closed, undefined, `the dedicated user cannot reach ${BIN}: ${closed} is closed to other users (a checkout under a mktemp -d directory, mode 700?); run the suite from a checkout others can enter`);
  const s = sandbox(t, 'dedicated');
  await scenario(t, s, NOBODY, `apps:\n  - name: web\n    script: ${JSON.stringify(join(s.dir, 'app.js'))}\n    cwd: ${JSON.stringify(s.work)}\n    env: { PORT_FILE: ${JSON.stringify(join(s.work, 'port'))} }\n    health: { heartbeat: { timeout: 5s } }\n`);
  const allowed = filterSet(['@system-service'], ['@privileged']);
  const outside = [...calls(s.trace)].filter((c) => !allowed.has(c) && !TOLERATED.has(c));
  assert.deepEqual(outside, [], `system calls the unit's filter refuses: ${outside.join(', ')}`);
  // A daemon that is not root says why it cannot run an app as another user (exit 78, config error).
  const again = sandbox(t, 'dedicated');
  const daemon = spawn(again.as[0]!, [...again.as.slice(1), process.execPath, BIN, 'daemon', '--foreground'], { env: { ...process.env, BULWARK_HOME: again.home }, stdio: 'ignore' });
  t.after(() => { daemon.kill('SIGKILL'); });
  await waitFor('the second daemon', () => existsSync(join(again.home, 'daemon.sock')), 30_000);
  writeFileSync(join(again.dir, 'root.yml'), `apps:\n  - name: r\n    cmd: ["/bin/true"]\n    user: root\n`, { mode: 0o644 });
  const refused = await cli(again, 'start', join(again.dir, 'root.yml'));
  assert.equal(refused.code, 78, refused.out);
  assert.match(refused.out, /app "r": running as user root needs a daemon started as root \(this one runs as uid 65534\)/);
  await cli(again, 'kill');
});

test('as root with only the unit\'s capabilities: an app with `user: nobody` runs as nobody in its private directory; every system call is allowed', { skip }, async (t) => {
  const s = sandbox(t, 'root');
  await scenario(t, s, NOBODY, `apps:\n  - name: web\n    script: ${JSON.stringify(join(s.dir, 'app.js'))}\n    cwd: ${JSON.stringify(s.work)}\n    user: nobody\n    env: { PORT_FILE: ${JSON.stringify(join(s.work, 'port'))} }\n    health: { heartbeat: { timeout: 5s } }\n`);
  const allowed = filterSet(['@system-service'], []);
  const outside = [...calls(s.trace)].filter((c) => !allowed.has(c) && !TOLERATED.has(c));
  assert.deepEqual(outside, [], `system calls the unit's filter refuses: ${outside.join(', ')}`);
});
