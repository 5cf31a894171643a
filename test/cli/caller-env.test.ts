// The caller's environment (issue 10.3), end to end with a real daemon: it reaches apps started from
// the CLI with config env > caller's > daemon's; `restart --update-env` refreshes it and a plain
// `restart` does not; `--env NAME` picks envs.NAME (bulwark.yml) and env_NAME (PM2). The caller's
// values never reach bulwark.log or the event history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const KEYS = ['CONFIG_WINS', 'SHARED', 'CALLER_ONLY', 'DAEMON_ONLY', 'CALLER_SECRET', 'CALLER_VAR', 'MODE', 'KEEP'];
/** Writes the keys it was started with (and its pid) to $OUT, atomically, then idles. */
const REPORT = [
  "const fs = require('fs');",
  `const env = Object.fromEntries(${JSON.stringify(KEYS)}.map((k) => [k, process.env[k] ?? null]));`,
  "fs.writeFileSync(process.env.OUT + '.tmp', JSON.stringify({ pid: process.pid, env, argv: process.argv.slice(2) }));",
  "fs.renameSync(process.env.OUT + '.tmp', process.env.OUT);",
  'setInterval(() => {}, 60_000);', '',
].join('\n');

interface Report { pid: number; env: Record<string, string | null>; argv: string[] }

/** The report of a run other than `notPid`'s. */
function report(file: string, notPid = 0): Promise<Report> {
  return waitFor(`${file} from a new run`, () => {
    if (!existsSync(file)) return undefined;
    const r = JSON.parse(readFileSync(file, 'utf8')) as Report;
    return r.pid !== notPid ? r : undefined;
  }, 30_000);
}

function home(t: { after(fn: () => void): void }): TestHome {
  const h = new TestHome('bulwark-caller-env-');
  t.after(() => h.cleanup());
  h.write('report.cjs', REPORT);
  return h;
}

test('an app started from the CLI gets config env over the caller\'s over the daemon\'s, and no caller value is written to bulwark.log', async (t) => {
  const h = home(t);
  const secret = 'caller-secret-6c1f0a9e';
  // The first start launches the daemon: its environment is the daemon's (DAEMON_ONLY, SHARED=daemon).
  const first = await h.run(['start', 'report.cjs', '--name', 'first'], { env: { OUT: join(h.dir, 'first.json'), DAEMON_ONLY: 'd', SHARED: 'daemon' } });
  assert.equal(first.code, 0, first.stderr);
  await report(join(h.dir, 'first.json'));
  // A second shell, with its own values, starts an app whose config sets CONFIG_WINS.
  const cfg = h.write('app.yml', 'apps:\n  - name: app\n    script: report.cjs\n    env: { CONFIG_WINS: config }\n');
  const out = join(h.dir, 'app.json');
  const r = await h.run(['start', cfg], { env: { OUT: out, CONFIG_WINS: 'caller', SHARED: 'caller', CALLER_ONLY: 'c', CALLER_SECRET: secret } });
  assert.equal(r.code, 0, r.stderr);
  const { env } = await report(out);
  assert.deepEqual({ CONFIG_WINS: env.CONFIG_WINS, SHARED: env.SHARED, CALLER_ONLY: env.CALLER_ONLY, DAEMON_ONLY: env.DAEMON_ONLY, CALLER_SECRET: env.CALLER_SECRET },
    { CONFIG_WINS: 'config', SHARED: 'caller', CALLER_ONLY: 'c', DAEMON_ONLY: 'd', CALLER_SECRET: secret });
  // A script started alone (no config) gets the caller's environment too, and its arguments as
  // given: a quoted ${VAR} is the shell's business, not bulwark's.
  const solo = join(h.dir, 'solo.json');
  assert.equal((await h.run(['start', 'report.cjs', '--name', 'solo', '--', '${CALLER_ONLY}', '3000'], { env: { OUT: solo, CALLER_ONLY: 'solo' } })).code, 0);
  const soloRun = await report(solo);
  assert.equal(soloRun.env.CALLER_ONLY, 'solo');
  assert.deepEqual(soloRun.argv, ['${CALLER_ONLY}', '3000']);

  await h.run(['restart', 'app', '--update-env'], { env: { OUT: out, CALLER_SECRET: secret } }); // through the control socket once more
  await h.run(['kill']); // bulwark.log is flushed and closed
  const log = readFileSync(join(h.home, 'bulwark.log'), 'utf8');
  assert.match(log, /app/, 'the log has the app\'s lifecycle');
  assert.ok(!log.includes(secret), 'bulwark.log must not hold a caller value');
  assert.ok(!readFileSync(join(h.home, 'state', 'events.jsonl'), 'utf8').includes(secret), 'nor the event history');
});

test('restart keeps the environment an app was started with; restart --update-env gives it the current shell\'s', async (t) => {
  const h = home(t);
  const out = join(h.dir, 'r.json');
  assert.equal((await h.run(['start', 'report.cjs', '--name', 'r'], { env: { OUT: out, CALLER_VAR: 'one' } })).code, 0);
  const started = await report(out);
  assert.equal(started.env.CALLER_VAR, 'one');

  assert.equal((await h.run(['restart', 'r'], { env: { OUT: out, CALLER_VAR: 'two' } })).code, 0);
  const plain = await report(out, started.pid);
  assert.equal(plain.env.CALLER_VAR, 'one', 'a plain restart keeps what the app was started with');

  assert.equal((await h.run(['restart', 'r', '--update-env'], { env: { OUT: out, CALLER_VAR: 'three' } })).code, 0);
  const updated = await report(out, plain.pid);
  assert.equal(updated.env.CALLER_VAR, 'three');
  // And it stays: the saved table holds the new environment for the next restart.
  assert.equal((await h.run(['restart', 'r'], { env: { OUT: out, CALLER_VAR: 'four' } })).code, 0);
  assert.equal((await report(out, updated.pid)).env.CALLER_VAR, 'three');
});

test('--env production picks envs.production of a bulwark.yml and env_production of an ecosystem file, over each app\'s env', async (t) => {
  const h = home(t);
  const yml = h.write('bulwark.yml', [
    'apps:', '  - name: y', '    script: report.cjs',
    `    env: { OUT: ${JSON.stringify(join(h.dir, 'y.json'))}, MODE: base, KEEP: kept }`,
    '    envs:', '      production: { MODE: production }', '',
  ].join('\n'));
  const eco = h.write('ecosystem.config.js', `module.exports = { apps: [{
    name: 'p', script: 'report.cjs',
    env: { OUT: ${JSON.stringify(join(h.dir, 'p.json'))}, MODE: 'development', KEEP: 'kept' },
    env_production: { MODE: 'production' },
  }] };\n`);
  const y = await h.run(['start', yml, '--env', 'production']);
  assert.equal(y.code, 0, y.stderr);
  const p = await h.run(['start', eco, '--env', 'production']);
  assert.equal(p.code, 0, p.stderr);
  for (const name of ['y', 'p']) {
    const { env } = await report(join(h.dir, `${name}.json`));
    assert.deepEqual({ MODE: env.MODE, KEEP: env.KEEP }, { MODE: 'production', KEEP: 'kept' }, name);
  }
});

test('programs are found on the PATH the app sees (the caller\'s), not only on the daemon\'s, as the CLI checked and PM2 finds them', async (t) => {
  const h = home(t);
  // The daemon starts from a shell without the tools directory (a bun or nvm installed per user).
  const first = await h.run(['start', 'report.cjs', '--name', 'first'], { env: { OUT: join(h.dir, 'first.json') } });
  assert.equal(first.code, 0, first.stderr);
  await report(join(h.dir, 'first.json'));
  const tools = join(h.dir, 'tools');
  mkdirSync(tools);
  writeFileSync(join(tools, 'myrun'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} "$@"\n`, { mode: 0o755 });
  const eco = h.write('ecosystem.config.js', `module.exports = { apps: [
    { name: 'interp', script: 'report.cjs', interpreter: 'myrun', env: { OUT: ${JSON.stringify(join(h.dir, 'interp.json'))} } },
    { name: 'program', script: 'myrun', args: 'report.cjs', interpreter: 'none', env: { OUT: ${JSON.stringify(join(h.dir, 'program.json'))} } },
  ] };\n`);
  const r = await h.run(['start', eco], { env: { PATH: `${tools}:${process.env.PATH ?? ''}` } });
  assert.equal(r.code, 0, r.stderr);
  for (const name of ['interp', 'program']) await report(join(h.dir, `${name}.json`));
});
