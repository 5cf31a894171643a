import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestHome, isAlive } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

interface Status { name: string; pid: number | null; state: string; restarts: number }

const NODE = process.execPath;
// An app that forks a grandchild (in the same process group) and writes both pids to a file.
const FAMILY = `const {spawn}=require('child_process');const g=spawn(process.execPath,['-e','setInterval(()=>{},1000)'],{stdio:'ignore'});require('fs').writeFileSync(process.env.PIDS,process.pid+' '+g.pid);setInterval(()=>{},1000)`;

function familyConfig(h: TestHome, names: string[]): string {
  const apps = names.map((n) => `  - name: ${n}\n    cmd: [${JSON.stringify(NODE)}, "-e", ${JSON.stringify(FAMILY)}]\n    env: { PIDS: ${JSON.stringify(join(h.dir, `${n}.pids`))} }\n    stop: { timeout: 2s }\n`);
  return h.write('bulwark.yml', `apps:\n${apps.join('')}`);
}

function familyPids(h: TestHome, name: string): number[] {
  const pids = readFileSync(join(h.dir, `${name}.pids`), 'utf8').split(' ').map(Number);
  // A read between the writer's truncate and its write sees an empty file: not the pids yet.
  if (pids.length !== 2 || !pids.every((p) => p > 0)) throw new Error(`${name}.pids is not written yet`);
  return pids;
}

test('the home is 0700, the socket 0600, and a second daemon on the same home is refused', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const first = await h.run(['daemon']);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(statSync(h.home).mode & 0o777, 0o700);
  assert.equal(statSync(join(h.home, 'daemon.sock')).mode & 0o777, 0o600);
  const second = await h.run(['daemon', '--foreground']);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /another bulwark daemon \(pid \d+\) is already running/);
  assert.deepEqual(await h.json<Status[]>(['status']), []);
});

test('exit codes: 69 when the daemon is unreachable, 1 with the known names for an unknown app', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const down = await h.run(['status']);
  assert.equal(down.code, 69);
  assert.match(down.stderr, /daemon is not running/);
  const cfg = familyConfig(h, ['api']);
  assert.equal((await h.run(['start', cfg])).code, 0);
  const unknown = await h.run(['stop', 'nope']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no app named "nope" \(known: api\)/);
});

test('config check lists every error of a file with exit 78, and exits 0 on a valid file', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const bad = h.write('bad.yml', [
    'apps:', '  - name: api', '    script: server.js', '    restart: { policy: sometimes }',
    '    stop: { timeout: soon }', '    helth: {}', '',
  ].join('\n'));
  const r = await h.run(['config', 'check', bad]);
  assert.equal(r.code, 78);
  assert.match(r.stderr, /bad\.yml:4:\d+: apps\[0\]\.restart\.policy/);
  assert.match(r.stderr, /bad\.yml:5:\d+: apps\[0\]\.stop\.timeout/);
  assert.match(r.stderr, /bad\.yml:6:\d+: apps\[0\]\.helth: unknown key "helth"\n\s+hint: did you mean "health"/);
  assert.match(r.stderr, /bad\.yml:3:\d+: apps\[0\]\.script: script "server\.js" is neither a file in \S+ nor a program on PATH/);
  assert.match(r.stderr, /4 error\(s\)/);
  const ok = await h.run(['config', 'check', familyConfig(h, ['api'])]);
  assert.equal(ok.code, 0, ok.stderr);
});

test('a daemon killed with SIGKILL leaves no orphan: the next daemon ends the old groups, then restores the apps', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const cfg = familyConfig(h, ['a', 'b']);
  const started = await h.run(['start', cfg]);
  assert.equal(started.code, 0, started.stderr);
  const before = await waitFor('both families', () => {
    try { return [...familyPids(h, 'a'), ...familyPids(h, 'b')]; } catch { return null; }
  });
  before.forEach((p) => assert.ok(isAlive(p)));
  const daemonPid = h.daemonPid()!;
  process.kill(daemonPid, 'SIGKILL');
  await waitFor('old daemon gone', () => !isAlive(daemonPid));
  assert.equal((await h.run(['daemon'])).code, 0);
  await waitFor('old app processes ended', () => before.every((p) => !isAlive(p)), 20_000);
  // The crashed daemon's table comes back: both apps run again, with new pids.
  const after = await waitFor('apps back online', async () => {
    const s = await h.json<Status[]>(['status']);
    return s.length === 2 && s.every((a) => a.state === 'online') ? s : null;
  });
  for (const a of after) assert.ok(!before.includes(a.pid!));
});

test('save, kill, then starting the daemon resurrects the saved apps; kill leaves nothing running', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  assert.equal((await h.run(['start', familyConfig(h, ['web', 'worker'])])).code, 0);
  const saved = await h.run(['save']);
  assert.match(saved.stdout, /saved 2 app/);
  const pids = await waitFor('families', () => {
    try { return [...familyPids(h, 'web'), ...familyPids(h, 'worker')]; } catch { return null; }
  });
  const killed = await h.run(['kill']);
  assert.equal(killed.code, 0, killed.stderr);
  for (const p of pids) assert.ok(!isAlive(p), `pid ${p} survived kill`);
  assert.equal((await h.run(['daemon'])).code, 0);
  const names = await waitFor('resurrected', async () => {
    const s = await h.json<Status[]>(['status']);
    return s.filter((a) => a.state === 'online').length === 2 ? s.map((a) => a.name).sort() : null;
  });
  assert.deepEqual(names, ['web', 'worker']);
  const events = await h.run(['events', '--type', 'daemon', '--json']);
  assert.match(events.stdout, /"kind":"resurrect"/);
});

test('stop waits for the exit and records it; events show the transitions', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  assert.equal((await h.run(['start', familyConfig(h, ['api'])])).code, 0);
  const pids = await waitFor('family', () => { try { return familyPids(h, 'api'); } catch { return null; } });
  const stop = await h.run(['stop', 'api']);
  assert.equal(stop.code, 0, stop.stderr);
  for (const p of pids) assert.ok(!isAlive(p));
  const [s] = await h.json<Status[]>(['status', 'api']);
  assert.equal(s!.state, 'stopped');
  const ev = (await h.run(['events', '--app', 'api', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
  assert.ok(ev.some((e) => e.kind === 'start'));
  assert.ok(ev.some((e) => e.kind === 'stopped'));
});
