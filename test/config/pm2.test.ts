import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { findOnPath } from '../../src/common/path-lookup.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { pm2ToYaml } from '../../src/config/pm2.js';
import { splitArgs } from '../../src/config/pm2/values.js';
import type { BulwarkConfig } from '../../src/config/schema/index.js';

// Three apps covering every mapped PM2 key (instances and exec_mode included), plus a key bulwark
// has no use for (deploy) that must be named in one warning.
const ECOSYSTEM = {
  apps: [
    {
      name: 'api', script: 'server.js', args: '--port 3000 --msg "hello world"', cwd: 'app',
      env: { NODE_ENV: 'production', PORT: 3000 }, max_memory_restart: '200M', kill_timeout: 3000,
      exp_backoff_restart_delay: 100, instances: 2, exec_mode: 'cluster',
    },
    {
      name: 'worker', script: 'worker.js', args: ['--queue', 'jobs'], cron_restart: '0 4 * * *',
      watch: ['src'], ignore_watch: ['node_modules'], min_uptime: '10s', max_restarts: 7, restart_delay: 2000,
      log_date_format: 'YYYY-MM-DD',
    },
    { name: 'once', script: 'job.js', autorestart: false, watch: true },
  ],
  deploy: { production: { user: 'node' } },
};

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-pm2-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const VARIANTS: Record<string, string> = {
  'ecosystem.config.js': `module.exports = ${JSON.stringify(ECOSYSTEM, null, 2)};\n`,
  'ecosystem.config.cjs': `module.exports = ${JSON.stringify(ECOSYSTEM, null, 2)};\n`,
  'ecosystem.config.json': JSON.stringify(ECOSYSTEM, null, 2),
  // ESM flavour, as in a "type": "module" project
  'ecosystem.config.js (ESM)': `export default ${JSON.stringify(ECOSYSTEM, null, 2)};\n`,
};

function assertMapped(config: BulwarkConfig, dir: string): void {
  assert.equal(config.apps.length, 3);
  const [api, worker, once] = config.apps;
  assert.equal(api!.name, 'api');
  assert.equal(api!.script, 'server.js');
  assert.deepEqual(api!.args, ['--port', '3000', '--msg', 'hello world']);
  assert.equal(api!.cwd, join(dir, 'app'));
  assert.deepEqual(api!.env, { NODE_ENV: 'production', PORT: '3000' });
  assert.equal(api!.limits.memory!.max, 200 * 1024 * 1024);
  assert.equal(api!.stop.timeout, 3000);
  assert.equal(api!.stop.signal, 'SIGINT'); // what PM2 sends
  assert.deepEqual(api!.restart.backoff, { initial: 100, max: 15_000, factor: 1.5, jitter: 0 });
  assert.equal(api!.restart.policy, 'always');
  assert.equal(api!.instances, 2);
  assert.equal(api!.exec_mode, 'cluster');

  assert.deepEqual(worker!.args, ['--queue', 'jobs']);
  assert.equal(worker!.cron, '0 4 * * *');
  assert.deepEqual(worker!.watch, { paths: ['src'], ignore: ['node_modules'], debounce: 500 });
  assert.deepEqual(once!.watch!.ignore, ['node_modules', '.*']); // PM2's default for watch: true
  assert.equal(worker!.restart.minUptime, 10_000);
  assert.equal(worker!.restart.maxRestarts, 7);
  assert.deepEqual(worker!.restart.backoff, { initial: 2000, max: 2000, factor: 1, jitter: 0 });

  assert.equal(once!.restart.policy, 'never');
  assert.deepEqual(once!.watch!.paths, ['.']);
}

for (const [name, text] of Object.entries(VARIANTS)) {
  test(`a PM2 ${name} with 3 apps loads all 3 with the mapped settings and one warning naming the unknown keys`, async (t) => {
    // The ESM variant needs a "type": "module" package.json beside it, as in a real ESM project.
    const file = name.endsWith('(ESM)') ? 'ecosystem.config.js' : name;
    const dir = dirWith({ [file]: text, ...(name.endsWith('(ESM)') ? { 'package.json': '{"type":"module"}' } : {}) });
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // PM2 resolves relative paths from where it runs (the caller's cwd), as `start` passes it.
    const { config, warnings } = await loadConfigFile(join(dir, file), process.env, { cwd: dir });
    assertMapped(config, dir);
    const all = warnings.join('\n');
    assert.match(all, /\bdeploy\b/);
    assert.doesNotMatch(all, /instances|exec_mode/); // mapped: the app runs 2 instances in cluster mode
    assert.equal(config.apps[1]!.logs.timestamps, 'YYYY-MM-DD'); // log_date_format is mapped now
    for (const mapped of ['max_memory_restart', 'cron_restart', 'kill_timeout', 'ignore_watch', 'log_date_format']) assert.doesNotMatch(all, new RegExp(`${mapped} \\(`));
  });
}

test('a JSON ecosystem may be a bare array of apps; a file with only mapped keys has no warning', async (t) => {
  const dir = dirWith({ 'ecosystem.json': JSON.stringify([{ script: 'srv.js', max_memory_restart: 1048576 }]) });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { config, warnings } = await loadConfigFile(join(dir, 'ecosystem.json'), process.env, { cwd: dir });
  assert.equal(config.apps[0]!.name, 'srv'); // PM2 names an app after its script
  assert.equal(config.apps[0]!.limits.memory!.max, 1024 * 1024);
  assert.deepEqual(warnings, []);
});

test('a bad PM2 value is a located config error that names the PM2 key', async (t) => {
  const dir = dirWith({ 'ecosystem.config.cjs': 'module.exports = { apps: [{ name: "a", script: "a.js", max_memory_restart: "lots", min_uptime: "soon" }] };' });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await assert.rejects(loadConfigFile(join(dir, 'ecosystem.config.cjs')), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    const paths = err.issues.map((i) => i.path).sort();
    assert.deepEqual(paths, ['apps[0].max_memory_restart', 'apps[0].min_uptime']);
    assert.match(err.issues.find((i) => i.path === 'apps[0].max_memory_restart')!.hint!, /limits\.memory\.max/);
    return true;
  });
});

test('an empty entry in ignore_watch (a hole, null) is left out with a warning, as PM2 runs the file', async (t) => {
  // huasenjio-compose writes ['log/error.log', 'log/warn.log', 'public/webapp', , 'node_modules'].
  const dir = dirWith({ 'ecosystem.config.js': 'module.exports = { apps: [{ name: "app", script: "app.js", watch: true, ignore_watch: ["logs", , null, "node_modules"] }] };', 'app.js': '' });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { config, warnings } = await loadConfigFile(join(dir, 'ecosystem.config.js'), process.env, { cwd: dir });
  assert.deepEqual(config.apps[0]!.watch!.ignore, ['logs', 'node_modules']);
  assert.ok(warnings.some((w) => /app: ignore_watch has empty entries/.test(w)), warnings.join('\n'));
});

test('an ecosystem file that throws is a config error, not a crash', async (t) => {
  const dir = dirWith({ 'ecosystem.config.js': 'throw new Error("boom")' });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await assert.rejects(loadConfigFile(join(dir, 'ecosystem.config.js')), (err: unknown) => err instanceof ConfigError && /boom/.test(err.message));
});

test('import prints YAML that re-loads to the same config, with the warning as a comment', async (t) => {
  const dir = dirWith({ 'ecosystem.config.js': VARIANTS['ecosystem.config.js']! });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const eco = join(dir, 'ecosystem.config.js');
  const { yaml } = await pm2ToYaml(eco, process.env, { cwd: dir });
  assert.match(yaml, /^# WARNING: .*deploy/m);
  assert.match(yaml, /^ {4}instances: 2$/m);
  assert.match(yaml, /^ {4}exec_mode: cluster$/m);
  assert.match(yaml, /max: 200MB/);
  writeFileSync(join(dir, 'bulwark.yml'), yaml);
  const fromYaml = await loadConfigFile(join(dir, 'bulwark.yml'));
  const fromPm2 = await loadConfigFile(eco, process.env, { cwd: dir });
  for (const a of fromYaml.config.apps) delete a.envs; // import keeps env_* as envs for --env
  assert.deepEqual(fromYaml.config, fromPm2.config);
  assert.deepEqual(fromYaml.warnings, []);
});

test('string args split like a shell: quotes group, whitespace separates', () => {
  assert.deepEqual(splitArgs(`  -a 'b c'  "d' e" f""g ""`), ['-a', 'b c', "d' e", 'fg', '']);
});

test('scripts run with the interpreter PM2 would pick: by extension, `interpreter` (an absolute nvm path kept), `none`, and node for bin/www', async (t) => {
  const dir = dirWith({ 'ecosystem.json': JSON.stringify({ apps: [
    { name: 'py', script: 'app.py', args: ['-v'] },
    { name: 'www', script: 'bin/www' },
    { name: 'bin', script: './server', interpreter: 'none', args: '--fast' },
    { name: 'deno', script: 'main.ts', interpreter: 'deno' },
    { name: 'js', script: 'main.mjs', interpreter: '/root/.nvm/versions/node/v20.19.0/bin/node' },
  ] }) });
  mkdirSync(join(dir, 'bin'));
  for (const f of ['app.py', 'bin/www', 'server', 'main.ts', 'main.mjs']) writeFileSync(join(dir, f), 'x\n');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { config } = await loadConfigFile(join(dir, 'ecosystem.json'), process.env, { cwd: dir });
  const python = findOnPath('python') ? 'python' : 'python3';
  assert.deepEqual(config.apps.map((a) => [a.interpreter, a.script, ...a.args]), [
    [python === 'python3' ? undefined : 'python', join(dir, 'app.py'), '-v'], ['node', join(dir, 'bin/www')], ['none', join(dir, 'server'), '--fast'],
    ['deno', join(dir, 'main.ts')], ['/root/.nvm/versions/node/v20.19.0/bin/node', join(dir, 'main.mjs')],
  ]);
});
