// A PM2 user's first day with the installed package (issue 10's first acceptance point): every step
// runs the bin from the tarball, against real HTTP apps, a temp BULWARK_HOME and a loopback syslog
// receiver. The comments say what PM2 7.0.4 does at the same step where the two differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { isAlive } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { cleanEnv, installedPackage } from '../helpers/installed-package.js';
import { listenLoopback } from '../helpers/loopback-server.js';
import type { AppStatus } from '../../src/supervisor/supervisor.js';

/** Serves what it was started with; says where it listens on stdout (the test finds it with `logs`). */
const SERVER = `const http = require('node:http');
const seen = { argv: process.argv.slice(2), env: {} };
for (const k of ['NODE_ENV', 'API_URL', 'LOG_LEVEL', 'FROM_SHELL']) seen.env[k] = process.env[k] ?? null;
const server = http.createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(seen)); });
server.listen(0, '127.0.0.1', () => console.log('pid ' + process.pid + ' listening on ' + server.address().port + ' NODE_ENV=' + process.env.NODE_ENV));
`;
const ECOSYSTEM = `module.exports = {
  apps: [
    {
      name: 'api',
      script: 'server.js',
      env: { NODE_ENV: 'development', LOG_LEVEL: 'info' },
      env_production: { NODE_ENV: 'production', API_URL: 'https://api.example.test' },
    },
    { name: 'worker', script: 'server.js', args: '--queue "mail jobs"' },
  ],
};
`;
const CRASH = "if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is not set');\n";
const ECHO_ARGS = ['--port', '3000', '007', 'two words', '$HOME', '--name', 'other', '-f'];

interface Served { argv: string[]; env: Record<string, string | null> }
/** One RFC 5424 frame at the receiver: APP-NAME is the app, MSGID the event kind. */
interface Frame { app: string; kind: string; line: string }

test("a PM2 user's journey with the installed package: ecosystem --env production, args after --, logs, a crash at start, a second config file, save, delete, kill, resurrect", async (t) => {
  const pkg = await installedPackage();
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-journey-'));
  const home = join(dir, 'home');
  let received = '';
  const receiver = await listenLoopback((s) => s.on('data', (d: Buffer) => { received += d.toString(); }));
  t.after(() => {
    spawnSync(pkg.bin, ['kill'], { env: { ...cleanEnv(), BULWARK_HOME: home }, timeout: 60_000 });
    receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(join(dir, 'server.js'), SERVER);
  writeFileSync(join(dir, 'ecosystem.config.js'), ECOSYSTEM);
  writeFileSync(join(dir, 'crash.js'), CRASH);
  writeFileSync(join(dir, 'siem.yml'), `forward:\n  - { name: siem, host: 127.0.0.1, port: ${receiver.port}, protocol: tcp, framing: newline, select: [lifecycle] }\n`);
  writeFileSync(join(dir, 'jobs.yml'), 'apps:\n  - { name: mailer, script: server.js, args: [--queue, mail] }\n');

  // The shell the user types in: NODE_ENV=staging there, and a variable only the shell has.
  const shell = { NODE_ENV: 'staging', FROM_SHELL: 'yes' };
  const run = (...args: string[]) => pkg.run(args, { home, cwd: dir, env: shell, timeoutMs: 90_000 });
  const ok = async (...args: string[]) => {
    const r = await run(...args);
    assert.equal(r.code, 0, `bulwark ${args.join(' ')} exited ${r.code}\n${r.stdout}${r.stderr}`);
    return r;
  };
  const status = async () => JSON.parse((await ok('status', '--json')).stdout) as AppStatus[];
  const online = (names: string[]) => waitFor(`${names.join(', ')} online`, async () => {
    const all = await status();
    return names.every((n) => all.some((a) => a.name === n && a.state === 'online' && a.pid)) ? all : null;
  }, 60_000, 200);
  /** What the app's current run serves; its port is read from `bulwark logs`, as a user would find it. */
  const served = async (name: string): Promise<Served> => {
    const pid = (await online([name])).find((a) => a.name === name)!.pid!;
    const port = await waitFor(`${name}'s listening line in \`bulwark logs ${name}\``, async () => {
      const logs = (await ok('logs', name, '-n', '50')).stdout;
      return new RegExp(`^${name}\\|out pid ${pid} listening on (\\d+) `, 'm').exec(logs)?.[1];
    }, 60_000, 200);
    const res = await fetch(`http://127.0.0.1:${port}/`);
    return await res.json() as Served;
  };
  const frames = (): Frame[] => received.split('\n').flatMap((line) => {
    const m = /^<\d+>1 \S+ \S+ (\S+) \S+ (\S+) /.exec(line);
    return m ? [{ app: m[1]!, kind: m[2]!, line }] : [];
  });
  const forwarded = (what: string, match: (f: Frame) => boolean) => waitFor(`${what} at the siem endpoint`, () => frames().find(match), 60_000, 100);

  await t.test('start ecosystem.config.js --env production: env_production over env over the shell, args split like a shell, output in logs', async () => {
    const r = await ok('start', 'ecosystem.config.js', '--env', 'production');
    assert.match(r.stdout, /^added: app api, app worker$/m);
    assert.match(r.stdout, /^api\s+\d+\s+online/m, 'start prints the table once the apps are up, like pm2 start');
    const api = await served('api');
    assert.deepEqual(api.env, { NODE_ENV: 'production', API_URL: 'https://api.example.test', LOG_LEVEL: 'info', FROM_SHELL: 'yes' });
    // No env_production for worker: the shell's NODE_ENV reaches it, as in PM2.
    const worker = await served('worker');
    assert.deepEqual(worker.argv, ['--queue', 'mail jobs']);
    assert.equal(worker.env.NODE_ENV, 'staging');
    assert.match((await ok('logs', 'api', '-n', '5')).stdout, /^api\|out pid \d+ listening on \d+ NODE_ENV=production$/m);
    assert.match((await ok('logs', 'api', '--timestamps', '-n', '5')).stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z api\|out pid \d+ listening/m);
    assert.match((await ok('describe', 'api')).stdout, /^env\s+.*NODE_ENV=production/m);
  });

  await t.test('start server.js --name echo -- ARGS: the app gets the args verbatim, even ones that look like bulwark flags', async () => {
    await ok('start', 'server.js', '--name', 'echo', '--', ...ECHO_ARGS);
    assert.deepEqual((await served('echo')).argv, ECHO_ARGS);
    // The same name again is refused (PM2 starts a second "echo"); -f replaces it.
    const again = await run('start', 'server.js', '--name', 'echo');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /app "echo" already exists.*\n.*--force \(-f\)/);
  });

  await t.test('a file with a forward endpoint, then an app that crashes at start: start exits 1 with its error line, the crash is forwarded', async () => {
    const siem = await ok('start', 'siem.yml');
    assert.match(siem.stdout, /^added: forward endpoint siem$/m);
    assert.doesNotMatch(siem.stdout, /^name\s+pid/m, 'no empty table for a file without apps');
    // PM2 7.0.4: `pm2 start crash.js` prints "Done." and exits 0, and lists it online between restarts.
    const crash = await run('start', 'crash.js', '--name', 'db');
    assert.equal(crash.code, 1, crash.stdout + crash.stderr);
    assert.match(crash.stderr, /^bulwark: db failed to start: it exited with code 1 after \d+ms/m);
    assert.match(crash.stderr, /^ {4}Error: DATABASE_URL is not set$/m);
    await forwarded('db crash', (f) => f.app === 'db' && f.kind === 'crash');
    assert.match((await ok('delete', 'db')).stdout, /^deleted db$/m);
  });

  await t.test('a second config file adds its app; the first file\'s forward endpoint stays and receives its events', async () => {
    const jobs = await ok('start', 'jobs.yml');
    assert.match(jobs.stdout, /^added: app mailer$/m);
    assert.doesNotMatch(jobs.stdout, /removed/);
    assert.deepEqual((await served('mailer')).argv, ['--queue', 'mail']);
    await forwarded('mailer online', (f) => f.app === 'mailer' && f.kind === 'online');
    // The ecosystem file again (PM2 habit): it owns only its apps, so nothing changes and siem stays.
    assert.match((await ok('start', 'ecosystem.config.js', '--env', 'production')).stdout, /^no changes$/m);
    await waitFor('siem connected', async () => /^siem\s+yes\s/m.test((await ok('forward', 'status')).stdout), 60_000, 200);
  });

  await t.test('save, delete, kill, resurrect: only the saved apps that were not deleted come back, with their env and args', async () => {
    assert.match((await ok('save')).stdout, /^saved 4 app\(s\)/m);
    const pids = (await status()).map((a) => a.pid!);
    const del = await ok('delete', 'worker');
    assert.match(del.stdout, /^removed worker from the saved table too/m);
    assert.match((await ok('kill')).stdout, /stopped/);
    await waitFor('every app process gone', () => pids.every((p) => !isAlive(p)), 30_000);
    // PM2: `pm2 ls` here spawns an empty daemon; bulwark says the daemon is down and how to bring the apps back.
    const down = await run('status');
    assert.equal(down.code, 69);
    assert.match(down.stderr, /daemon is not running.*\n.*`bulwark resurrect`/);

    // PM2: `pm2 resurrect` brings worker back too (delete does not touch dump.pm2).
    const back = await ok('resurrect');
    assert.match(back.stdout, /^started the daemon \(pid \d+\); it brought back (\S+, ){2}\S+$/m);
    for (const name of ['api', 'echo', 'mailer']) assert.match(back.stdout, new RegExp(`^${name}\\s+\\d+\\s+online`, 'm'));
    assert.doesNotMatch(back.stdout, /worker|\bdb\b/);
    assert.deepEqual((await status()).map((a) => a.name).sort(), ['api', 'echo', 'mailer']);
    const api = await served('api');
    assert.equal(api.env.NODE_ENV, 'production');
    assert.equal(api.env.FROM_SHELL, 'yes', 'the caller\'s environment is saved with the app');
    assert.deepEqual((await served('echo')).argv, ECHO_ARGS);
    await forwarded('api resurrected', (f) => f.app === 'api' && f.kind === 'start' && f.line.includes('resurrected from the saved table'));
    assert.match((await ok('forward', 'status')).stdout, /^siem\s/m);
  });
});
