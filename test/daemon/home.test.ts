// Break 1 of issue 16: a BULWARK_HOME someone else could write is refused, as OpenSSH's StrictModes
// refuses ~/.ssh. The attacker is uid 65534 (nobody); the tests run as root, like the victim did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { RotatingLogFile } from '../../src/supervisor/rotating-log-file.js';
import { readPrivateFile } from '../../src/common/private-file.js';

const NOBODY = 65534;
const asRoot = process.geteuid?.() === 0 ? false : 'needs root (the attacker is another uid)';

/** A table as the daemon writes it, whose app would leave a mark if it ever ran. */
function plantTable(h: TestHome, file: string, mark: string): void {
  const app = {
    name: 'planted', cmd: [process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(mark)}, 'ran as ' + process.getuid())`],
    args: [], cwd: h.dir, env: {},
  };
  writeFileSync(file, JSON.stringify({ version: 1, savedAt: new Date().toISOString(), config: { apps: [app], forward: [] } }));
}

function appConfig(h: TestHome): string {
  return h.write('app.yml', `apps:\n  - name: api\n    cmd: [${JSON.stringify(process.execPath)}, "-e", "setInterval(()=>{},1000)"]\n    env: { API_TOKEN: "\${API_TOKEN}" }\n`);
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one clear line, got:\n${stderr}`);
  return lines[0]!;
}

test('a home owned by another user and open to all (0777) with a planted table is refused: exit 1, one line, nothing runs', { skip: asRoot }, async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const mark = join(h.dir, 'pwned');
  mkdirSync(join(h.home, 'state'), { recursive: true });
  plantTable(h, join(h.home, 'state', 'apps.json'), mark);
  for (const p of [h.home, join(h.home, 'state'), join(h.home, 'state', 'apps.json')]) { chownSync(p, NOBODY, NOBODY); chmodSync(p, 0o777); }
  for (const args of [['start', appConfig(h)], ['daemon'], ['resurrect'], ['status']]) {
    const r = await h.run(args, { env: { API_TOKEN: 'secret-token' } });
    assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
    assert.match(oneLine(r.stderr), /refusing BULWARK_HOME .*home: it is owned by uid 65534, not by you \(uid 0\)/);
  }
  assert.equal(h.daemonPid(), null, 'no daemon started');
  assert.equal(existsSync(mark), false, 'the planted command never ran');
});

test('a home that is a symlink, writable by others, or under a directory others can write, is refused', { skip: asRoot }, async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const real = join(h.dir, 'real');
  mkdirSync(real, { mode: 0o700 });
  symlinkSync(real, h.home);
  let r = await h.run(['daemon']);
  assert.equal(r.code, 1);
  assert.match(oneLine(r.stderr), /refusing BULWARK_HOME .*: it is a symlink/);

  const loose = new TestHome();
  t.after(() => loose.cleanup());
  mkdirSync(loose.home, { mode: 0o700 });
  chmodSync(loose.home, 0o770);
  r = await loose.run(['daemon']);
  assert.equal(r.code, 1);
  assert.match(oneLine(r.stderr), /it is writable by group or others \(mode 0770\)/);

  const shared = new TestHome();
  t.after(() => shared.cleanup());
  chmodSync(shared.dir, 0o777); // no sticky bit: anyone could rename the home away and put another there
  r = await shared.run(['daemon']);
  assert.equal(r.code, 1);
  assert.match(oneLine(r.stderr), /its parent directory .* is writable by group or others without the sticky bit \(mode 0777\)/);
});

test('a directory or symlink under the home that someone else planted stops the daemon before it writes anything', { skip: asRoot }, async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const victim = join(h.dir, 'root-only.txt');
  writeFileSync(victim, 'root secrets\n', { mode: 0o600 });
  mkdirSync(join(h.home, 'logs'), { recursive: true, mode: 0o700 });
  symlinkSync(victim, join(h.home, 'logs', 'api.out.log'));
  let r = await h.run(['start', appConfig(h)], { env: { API_TOKEN: 'x' } });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /refusing BULWARK_HOME .*: logs\/api\.out\.log is a symlink/);
  assert.equal(readFileSync(victim, 'utf8'), 'root secrets\n', 'nothing appended through the link');

  const other = new TestHome();
  t.after(() => other.cleanup());
  mkdirSync(join(other.home, 'state'), { recursive: true, mode: 0o700 });
  chownSync(join(other.home, 'state'), NOBODY, NOBODY);
  r = await other.run(['daemon']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /state is owned by uid 65534/);
});

test('files under the home are opened without following symlinks; state is read only from our own 0600 files', { skip: asRoot }, async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  mkdirSync(h.home, { mode: 0o700 });
  const victim = join(h.dir, 'victim');
  writeFileSync(victim, 'keep\n', { mode: 0o600 });
  symlinkSync(victim, join(h.home, 'x.out.log'));
  assert.throws(() => new RotatingLogFile(join(h.home, 'x.out.log'), { size: 1e6, keep: 1 }), /refusing .*x\.out\.log: it is a symlink/);
  assert.equal(readFileSync(victim, 'utf8'), 'keep\n');
  const state = join(h.home, 'apps.json');
  writeFileSync(state, '{}', { mode: 0o644 });
  chmodSync(state, 0o644);
  assert.throws(() => readPrivateFile(state), /readable by group or others \(mode 0644; expected 0600\)/);
  chmodSync(state, 0o600);
  chownSync(state, NOBODY, NOBODY);
  assert.throws(() => readPrivateFile(state), /owned by uid 65534/);
  chownSync(state, 0, 0);
  assert.equal(readPrivateFile(state), '{}');
  assert.equal(readPrivateFile(join(h.home, 'absent.json')), null);
});

test('a saved table that is not our own 0600 file is never resurrected; the refusal is an event', { skip: asRoot }, async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const mark = join(h.dir, 'pwned');
  mkdirSync(join(h.home, 'state'), { recursive: true, mode: 0o700 });
  const table = join(h.home, 'state', 'apps.json');
  plantTable(h, table, mark);
  chmodSync(table, 0o644); // readable by others: not a file the daemon wrote (it writes 0600)
  assert.equal((await h.run(['daemon'])).code, 0);
  const ev = await waitFor('the refusal event', async () => {
    const r = await h.run(['events', '--type', 'daemon', '--json']);
    return r.stdout.split('\n').find((l) => l.includes('resurrect-failed'));
  });
  assert.match(ev, /apps\.json: readable by group or others/);
  assert.deepEqual(JSON.parse((await h.run(['status', '--json'])).stdout), []);
  assert.equal(existsSync(mark), false);
});

test('the CLI checks the socket owner before sending anything: a socket planted by another user gets no byte', { skip: asRoot }, async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  mkdirSync(h.home, { mode: 0o700 });
  const sock = join(h.home, 'daemon.sock');
  const received: Buffer[] = [];
  const trap = createServer((s) => s.on('data', (d) => received.push(d)));
  await new Promise<void>((resolve) => trap.listen(sock, resolve));
  t.after(() => trap.close());
  chownSync(sock, NOBODY, NOBODY);
  for (const args of [['start', appConfig(h)], ['status']]) {
    const r = await h.run(args, { env: { API_TOKEN: 'secret-token' } });
    assert.equal(r.code, 1, r.stderr);
    assert.match(oneLine(r.stderr), /daemon\.sock is owned by uid 65534, not by you \(uid 0\)/);
  }
  assert.equal(Buffer.concat(received).length, 0, 'the trap received nothing');
});
