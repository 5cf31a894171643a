// `import pm2` and the caller's environment: a file that spreads process.env, reads secrets by name
// and loads a .env file must not put any of the caller's values into bulwark.yml; what the file sets
// itself is kept, what it reads becomes a ${NAME} reference. PM2 values are never ${VAR}-expanded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadConfigFile } from '../../src/config/load.js';
import { BIN, type CliResult } from '../helpers/bulwark-cli.js';

const OURS = resolve(import.meta.dirname, '../fixtures/pm2-ours/spread-env');
/** The caller's secrets: none may reach the YAML or the terminal. */
const SECRETS = { DB_PASSWORD: 'hunter2-db-7f3a', API_TOKEN: 'tok-5b9c-secret', SPREAD_ONLY: 'spread-3d1e-secret' };
/** The caller's shell: the secrets, and values the file also sets itself (NODE_ENV) or defaults (PORT). */
const CALLER = { ...SECRETS, PORT: '8080', NODE_ENV: 'production' };
const FROM_DOTENV = 'smtp-from-dotenv-91ac';

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-import-env-'));
  cpSync(OURS, dir, { recursive: true });
  for (const f of ['server.js', 'worker.js']) writeFileSync(join(dir, f), 'setInterval(() => {}, 60_000);\n');
  writeFileSync(join(dir, '.env'), `SMTP_PASS=${FROM_DOTENV}\n`);
  // A minimal dotenv of our own: sets what .env holds, never overriding the environment (as dotenv does).
  const dotenv = join(dir, 'node_modules', 'dotenv');
  mkdirSync(dotenv, { recursive: true });
  writeFileSync(join(dotenv, 'package.json'), '{"name":"dotenv","version":"0.0.0","main":"main.js"}');
  writeFileSync(join(dotenv, 'main.js'), [
    "const fs = require('fs');",
    'module.exports = { config() {',
    "  for (const line of fs.readFileSync('.env', 'utf8').split('\\n')) {",
    "    const i = line.indexOf('=');",
    '    if (i > 0 && !(line.slice(0, i) in process.env)) process.env[line.slice(0, i)] = line.slice(i + 1);',
    '  }',
    '  return { parsed: {} };',
    '} };', ''].join('\n'));
  return dir;
}

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

interface YamlApp { name: string; env?: Record<string, string>; envs?: Record<string, Record<string, string>> }

test('import pm2 of a file that spreads process.env and reads secrets writes none of the caller\'s values: explicit values kept, read ones as ${NAME}', async (t) => {
  const dir = workspace();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...CALLER };
  const r = await cli(['import', 'pm2', 'ecosystem.config.js'], dir, env);
  assert.equal(r.code, 0, r.stderr);
  for (const secret of [...Object.values(SECRETS), FROM_DOTENV]) {
    assert.ok(!r.stdout.includes(secret), `the YAML must not hold ${secret}`);
    assert.ok(!r.stderr.includes(secret), `the warnings must not show ${secret}`);
  }
  const { apps } = parse(r.stdout) as { apps: YamlApp[] };
  const [api, worker] = apps;
  // NODE_ENV is set by the file: kept even though the caller's NODE_ENV has the same value.
  // PORT, PATH, HOME and SPREAD_ONLY come from the spread: they reach the app from the caller at start.
  assert.deepEqual(api!.env, { NODE_ENV: 'production' });
  assert.deepEqual(worker!.env, {
    DATABASE_URL: 'postgres://app:${DB_PASSWORD}@db.internal:5432/app',
    API_TOKEN: '${API_TOKEN}',
    SMTP_PASS: '${SMTP_PASS}', // loaded by dotenv: the environment's, not the file's
    GREETING: 'hello $${USER}', // a literal ${USER} (PM2 does not expand it), escaped for bulwark.yml
    QUEUE: 'jobs',
  });
  assert.deepEqual(worker!.envs, { production: { LOG_LEVEL: 'warn' } });
  assert.match(r.stderr, /worker: env DATABASE_URL, API_TOKEN, SMTP_PASS are read from your environment: written as \$\{NAME\} references/);
  assert.match(r.stderr, /api: env spreads process\.env/);

  // The YAML, started from a shell that has the variables, gives the app what the PM2 file gave it.
  const yml = join(dir, 'bulwark.yml');
  writeFileSync(yml, r.stdout);
  const { config } = await loadConfigFile(yml, { ...env, SMTP_PASS: FROM_DOTENV });
  assert.deepEqual(config.apps[1]!.env, {
    DATABASE_URL: `postgres://app:${CALLER.DB_PASSWORD}@db.internal:5432/app`, API_TOKEN: CALLER.API_TOKEN,
    SMTP_PASS: FROM_DOTENV, GREETING: 'hello ${USER}', QUEUE: 'jobs',
  });
});

test('values from a PM2 file are passed through unexpanded, as PM2 does; bulwark.yml expands ${VAR} and keeps $${VAR} literal', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-pm2-noexpand-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a.js'), '');
  const eco = join(dir, 'ecosystem.json');
  writeFileSync(eco, JSON.stringify({ apps: [{ name: 'a', script: 'a.js', args: '--greet ${USER}', env: { GREETING: 'hi ${NOT_SET_ANYWHERE_42}' } }] }));
  const env = { PATH: process.env.PATH, USER: 'alice' };
  // A variable that is not set is no error: nothing is expanded.
  const pm2 = await loadConfigFile(eco, env, { cwd: dir });
  assert.deepEqual(pm2.config.apps[0]!.args, ['--greet', '${USER}']);
  assert.equal(pm2.config.apps[0]!.env.GREETING, 'hi ${NOT_SET_ANYWHERE_42}');

  const yml = join(dir, 'bulwark.yml');
  writeFileSync(yml, 'apps:\n  - name: b\n    script: a.js\n    env: { WHO: "${USER}", LITERAL: "$${USER}", MIXED: "$${USER} is ${USER}" }\n');
  const own = await loadConfigFile(yml, env);
  assert.deepEqual(own.config.apps[0]!.env, { WHO: 'alice', LITERAL: '${USER}', MIXED: '${USER} is alice' });

  // import writes the literal escaped, so the YAML means what the PM2 file meant.
  const r = await cli(['import', 'pm2', eco], dir, env as NodeJS.ProcessEnv);
  assert.equal(r.code, 0, r.stderr);
  writeFileSync(yml, r.stdout);
  const imported = await loadConfigFile(yml, env);
  assert.deepEqual(imported.config.apps[0]!.args, ['--greet', '${USER}']);
  assert.equal(imported.config.apps[0]!.env.GREETING, 'hi ${NOT_SET_ANYWHERE_42}');
});
