import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { TestHome, isAlive } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

interface Status { name: string; state: string }
interface Lifecycle { app: string; kind: string; reason: string; probe?: string }

const IDLE = 'setInterval(() => {}, 1000);\n';

async function online(h: TestHome, n: number): Promise<string[]> {
  return waitFor(`${n} app(s) online`, async () => {
    const s = await h.json<Status[]>(['status']);
    return s.length === n && s.every((a) => a.state === 'online') ? s.map((a) => a.name).sort() : null;
  });
}

async function startEvents(h: TestHome): Promise<Lifecycle[]> {
  const r = await h.run(['events', '--type', 'lifecycle', '-n', '500', '--json']);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Lifecycle).filter((e) => e.kind === 'start');
}

test('a deleted app does not come back: not at daemon start from the saved table, not after a daemon crash; resurrected apps say so', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  h.write('idle.cjs', IDLE);
  const cfg = h.write('bulwark.yml', ['apps:', '  - { name: web, script: idle.cjs }', '  - { name: old, script: idle.cjs }', ''].join('\n'));
  assert.equal((await h.run(['start', cfg])).code, 0);
  assert.match((await h.run(['save'])).stdout, /saved 2 app/);

  const del = await h.run(['delete', 'old']);
  assert.equal(del.code, 0, del.stderr);
  assert.match(del.stdout, /removed old from the saved table too/);
  assert.equal((await h.run(['kill'])).code, 0);
  assert.equal((await h.run(['daemon'])).code, 0);
  assert.deepEqual(await online(h, 1), ['web']);
  const [resurrected] = (await startEvents(h)).slice(-1);
  assert.equal(resurrected!.reason, 'resurrected from the saved table');
  assert.equal(resurrected!.probe, 'resurrect');
  assert.match(readFileSync(join(h.home, 'bulwark.log'), 'utf8'), /web: start -> starting: resurrected from the saved table/);

  // After a daemon crash the live table comes back: still without the deleted app.
  const pid = h.daemonPid()!;
  process.kill(pid, 'SIGKILL');
  await waitFor('daemon gone', () => !isAlive(pid));
  assert.equal((await h.run(['daemon'])).code, 0);
  assert.deepEqual(await online(h, 1), ['web']);
  assert.equal((await startEvents(h)).at(-1)!.reason, 'restored after the previous daemon died');
});

test('resurrect with the daemon down starts it, says it brought the saved apps back and shows them once up; a second resurrect has nothing to do', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  h.write('idle.cjs', IDLE);
  const cfg = h.write('bulwark.yml', ['apps:', '  - { name: web, script: idle.cjs, restart: { minUptime: 300ms } }', '  - { name: old, script: idle.cjs }', ''].join('\n'));
  assert.equal((await h.run(['start', cfg])).code, 0);
  assert.equal((await h.run(['save'])).code, 0);
  assert.equal((await h.run(['delete', 'old'])).code, 0);
  assert.equal((await h.run(['kill'])).code, 0);
  const down = await h.run(['status']);
  assert.equal(down.code, 69);
  assert.match(down.stderr, /bring back the apps you saved with `bulwark resurrect`/);

  const r = await h.run(['resurrect']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^started the daemon \(pid \d+\); it brought back web$/m);
  const uptime = /^web\s+\d+\s+online\s+(\S+)/m.exec(r.stdout)?.[1];
  assert.ok(uptime && (!uptime.endsWith('ms') || Number.parseInt(uptime, 10) >= 300), `the row once web survived its minUptime:\n${r.stdout}`);
  assert.doesNotMatch(r.stdout, /old/);
  assert.match((await h.run(['resurrect'])).stdout, /^every saved app is already running$/m);
});

test('save --clear forgets the saved table (PM2\'s cleardump): the next daemon starts with no apps', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  h.write('idle.cjs', IDLE);
  assert.equal((await h.run(['start', h.write('bulwark.yml', 'apps:\n  - { name: web, script: idle.cjs }\n')])).code, 0);
  assert.equal((await h.run(['save'])).code, 0);
  const cleared = await h.run(['save', '--clear']);
  assert.equal(cleared.code, 0, cleared.stderr);
  assert.match(cleared.stdout, /removed \S+apps\.json/);
  assert.match((await h.run(['save', '--clear'])).stdout, /nothing was saved/);
  assert.deepEqual(await online(h, 1), ['web'], 'running apps are not touched');
  assert.equal((await h.run(['kill'])).code, 0);
  assert.equal((await h.run(['daemon'])).code, 0);
  assert.deepEqual(await h.json<Status[]>(['status']), []);
});

test('startup systemd --uninstall removes the unit and its enablement link (PM2\'s unstartup) and says what to run', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const units = join(h.dir, 'units');
  const installed = await h.run(['startup', 'systemd', '--install', '--unit-dir', units, '--home', h.home]);
  assert.equal(installed.code, 0, installed.stderr);
  const unit = join(units, 'bulwark.service');
  assert.ok(existsSync(unit));
  // What `systemctl enable` does for WantedBy=multi-user.target.
  mkdirSync(join(units, 'multi-user.target.wants'));
  symlinkSync(unit, join(units, 'multi-user.target.wants', 'bulwark.service'));

  const removed = await h.run(['startup', 'systemd', '--uninstall', '--unit-dir', units]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.ok(!existsSync(unit));
  assert.ok(!existsSync(join(units, 'multi-user.target.wants', 'bulwark.service')));
  assert.match(removed.stdout, /systemctl stop bulwark\.service[^\n]*\n\s+systemctl daemon-reload/);
  assert.match(removed.stdout, /bulwark save --clear/);
  assert.match((await h.run(['startup', 'systemd', '--uninstall', '--unit-dir', units])).stdout, /nothing to remove/);
});
