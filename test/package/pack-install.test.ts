// The package as a PM2 user meets it: packed from this tree, installed into a clean prefix, and the
// README's quick start run with the installed bin (no dev dependencies, no source checkout).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { isAlive } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { REPO, cleanEnv, installedPackage, runProgram } from '../helpers/installed-package.js';
import type { AppStatus } from '../../src/supervisor/supervisor.js';

const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

test('the tarball ships the build, docs, examples and LICENSE, and no tests, benches, scripts or CI files', async () => {
  const pkg = await installedPackage();
  const files = spawnSync('tar', ['-tzf', pkg.tarball], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
  for (const f of ['bin/bulwark', 'dist/src/bundle/main.js', 'dist/src/bundle/status-main.js', 'dist/src/cli/main.js', 'dist/src/api/index.js', 'dist/src/api/index.d.ts', 'LICENSE', 'README.md', 'package.json', 'docs/api.md', 'docs/reference.md', 'examples/bulwark.yml',
    // Third-party data ships with its licence (fail2ban's bad-bot list, GPL-2.0-or-later).
    'THIRD-PARTY-NOTICES.md', 'licenses/fail2ban-COPYING.txt', 'dist/src/logs/detect/bad-bots.js', 'data/fail2ban-bad-bots.json']) {
    assert.ok(files.includes(f), `${f} is in the tarball`);
  }
  for (const f of files) assert.doesNotMatch(f, /^(test|bench|scripts|\.ci|dist\/bench|src)\/|\.test\.[cm]?[jt]s$|fixtures|\.tgz$|tsconfig/, `${f} is not shipped`);
  assert.match(readFileSync(join(pkg.packageDir, 'LICENSE'), 'utf8'), /^MIT License/);
});

test('the installed bin answers --help, --version, -v and a bare call from a clean prefix', async () => {
  const pkg = await installedPackage();
  const home = mkdtempSync(join(tmpdir(), 'bulwark-pack-home-'));
  try {
    const help = await pkg.run(['--help'], { home });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /bulwark start/);
    for (const flag of ['--version', '-v']) {
      const v = await pkg.run([flag], { home });
      assert.equal(v.code, 0, v.stderr);
      assert.equal(v.stdout.trim(), VERSION);
    }
    const bare = await pkg.run([], { home });
    assert.equal(bare.code, 0, bare.stderr);
    assert.equal(bare.stdout, help.stdout);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test("the README's quick start works with the installed bin: start a script with a name and args, status, logs, events, save, stop, start, kill", async (t) => {
  const pkg = await installedPackage();
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-quickstart-'));
  const home = join(dir, 'home');
  const run = async (...args: string[]) => {
    const r = await pkg.run(args, { home, cwd: dir });
    assert.equal(r.code, 0, `bulwark ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  t.after(() => {
    spawnSync(pkg.bin, ['kill'], { env: { ...cleanEnv(), BULWARK_HOME: home }, timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(join(dir, 'server.js'), "console.log('api args ' + JSON.stringify(process.argv.slice(2)));\nsetInterval(() => {}, 1000);\n");
  writeFileSync(join(dir, 'bulwark.yml'), 'apps:\n  - name: web\n    script: server.js\n    env: { PORT: "3001" }\n');

  assert.match(await run('start', 'server.js', '--name', 'api', '--', '--port', '3000'), /api/);
  assert.match(await run('start', 'bulwark.yml'), /web/);
  const table = await run('status');
  assert.match(table, /^api\s+\d+\s+online/m);
  assert.match(table, /^web\s+\d+\s+online/m);
  const [api] = JSON.parse(await run('status', 'api', '--json')) as AppStatus[];
  assert.ok(api?.pid && isAlive(api.pid));
  await waitFor('the args in the captured output', async () => (await run('logs', 'api', '-n', '5')).includes('api args ["--port","3000"]'));
  assert.match(await run('events', '--app', 'api'), /lifecycle\s+start\s+api/);
  // The two followers of the quick start, ended with Ctrl-C as a user would.
  for (const [args, shows] of [[['logs', 'api', '-f'], 'api args'], [['events', '-f'], 'online']] as const) {
    const child = spawn(pkg.bin, args, { cwd: dir, env: { ...cleanEnv(), BULWARK_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    await waitFor(`${args.join(' ')} showing ${shows}`, () => out.includes(shows));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    child.kill('SIGINT');
    assert.equal(await exited, 0, `${args.join(' ')} ends on Ctrl-C`);
  }
  await run('save');
  assert.match(await run('stop', 'api'), /api/);
  assert.equal(isAlive(api.pid!), false);
  assert.match(await run('status', 'api'), /^api\s+-\s+stopped/m);
  await run('start', 'api');
  assert.match(await run('status', 'api'), /^api\s+\d+\s+online/m);
  assert.match(await run('startup', 'systemd'), /ExecStart=.*bulwark daemon --foreground/);
  assert.match(await run('kill'), /stopped/);
});

test('the installed bin is the bundle, and it finds what it reads beside itself: the bad-bot list and the PM2 reader', async (t) => {
  const pkg = await installedPackage();
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-bundle-paths-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const home = join(dir, 'home');
  // bin/bulwark loads dist/src/bundle/ (main.js, or status-main.js for `status`): a launcher pointed
  // back at the per-module build would pass the rest too.
  const launcher = readFileSync(pkg.bin, 'utf8');
  assert.match(launcher, /import\(`\.\.\/dist\/src\/bundle\/\$\{entry\}`\)/);
  assert.match(launcher, /'status-main\.js' : 'main\.js'/);
  // It carries copies of the dependencies' code, and their licences beside them.
  const licences = readFileSync(join(pkg.packageDir, 'dist/src/bundle/THIRD-PARTY-LICENSES.md'), 'utf8');
  for (const dep of ['yargs', 'winston', 'zod', 'yaml', 'prom-client']) assert.match(licences, new RegExp(`^## ${dep} \\d`, 'm'), dep);
  // data/fail2ban-bad-bots.json, found from the bundle's directory.
  const log = join(dir, 'access.log');
  writeFileSync(log, '203.0.113.7 - - [05/Dec/2026:05:00:00 +0000] "GET / HTTP/1.1" 200 12 "-" "EmailCollector"\n');
  const scan = await pkg.run(['scan', '--json', log], { home, cwd: dir });
  assert.equal(scan.code, 0, scan.stderr);
  assert.match(scan.stdout, /"rule":"scanner-bad-bot"/);
  // The reader that evaluates an ecosystem file in a child (dist/src/bundle/read.js) tells which env
  // values came from the caller's environment: they become ${NAME} references.
  writeFileSync(join(dir, 'ecosystem.config.js'), "module.exports = { apps: [{ name: 'api', script: 'server.js', env: { DB_URL: process.env.DB_URL } }] };\n");
  writeFileSync(join(dir, 'server.js'), '');
  const imported = await pkg.run(['import', 'pm2', 'ecosystem.config.js'], { home, cwd: dir, env: { DB_URL: 'postgres://203.0.113.9/app' } });
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /DB_URL: \$\{DB_URL\}/);
  assert.doesNotMatch(imported.stdout, /postgres:/);
});

test("`import { connect } from 'bulwark'` works from the installed package, and its types check in a TypeScript consumer", async (t) => {
  const pkg = await installedPackage();
  const app = mkdtempSync(join(tmpdir(), 'bulwark-consumer-'));
  const home = join(app, 'home');
  t.after(() => {
    spawnSync(pkg.bin, ['kill'], { env: { ...cleanEnv(), BULWARK_HOME: home }, timeout: 60_000 });
    rmSync(app, { recursive: true, force: true });
  });
  // A project that depends on bulwark: node_modules/bulwark is the installed package.
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(pkg.packageDir, join(app, 'node_modules', 'bulwark'));
  symlinkSync(join(REPO, 'node_modules', '@types'), join(app, 'node_modules', '@types'));
  writeFileSync(join(app, 'package.json'), '{ "type": "module", "private": true }\n');
  writeFileSync(join(app, 'idle.js'), 'setInterval(() => {}, 1000);\n');
  const consumer = `import { connect, type AppStatus, type BulwarkEvent } from 'bulwark';
const client = await connect({ home: process.env.BULWARK_HOME });
const started: string[] = await client.start({ name: 'worker', script: 'idle.js' });
const events = await client.events({ app: 'worker', type: 'lifecycle' });
const restarted = client.restart('worker');
const seen: string[] = [];
for await (const e of events) {
  const ev: BulwarkEvent = e;
  seen.push(ev.kind);
  if (ev.kind === 'online') break;
}
await restarted;
const status: AppStatus[] = await client.status('worker');
console.log(JSON.stringify({ started, seen, state: status[0]?.state }));
await client.killDaemon();
`;
  writeFileSync(join(app, 'consumer.ts'), consumer);
  const tsc = await runProgram(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--target', 'es2022',
    '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', '--skipLibCheck', 'false', 'consumer.ts'], app, cleanEnv(), 120_000);
  assert.equal(tsc.code, 0, `the consumer type-checks against the installed declarations:\n${tsc.stdout}${tsc.stderr}`);

  writeFileSync(join(app, 'consumer.mjs'), consumer.replace(', type AppStatus, type BulwarkEvent', '').replace(/: (string\[\]|BulwarkEvent|AppStatus\[\])/g, ''));
  const r = await runProgram(process.execPath, ['consumer.mjs'], app, { ...cleanEnv(), BULWARK_HOME: home }, 60_000);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as { started: string[]; seen: string[]; state: string };
  assert.deepEqual(result.started, ['worker']);
  assert.ok(result.seen.includes('online'), result.seen.join(' '));
  assert.equal(result.state, 'online');
});
