// Records what PM2 itself resolves for each real PM2 file in test/fixtures/third-party/pm2, as the
// expected output the translation test compares against (the test does not need PM2).
// Run: npm ci --prefix bench && npx tsx scripts/pm2-expected.ts [id...]   (PM2 is the bench's dependency; a temp PM2_HOME each)
// PM2 runs with a minimal environment (PATH, HOME, PM2_HOME), so the env it reports beyond those
// is what the file set (PATH or HOME too, when the file sets them). Paths under the workspace are
// written as <ws>/..., programs on PATH as PATH:name; in env values the caller's PATH and HOME,
// which a JS file may read (`${process.env.HOME}/.bun/bin`), are written as <PATH> and <HOME>.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { findOnPath } from '../src/common/path-lookup.js';
import { callerPlaceholders, caseKey, FIXTURES, makeWorkspace, PM2_CASES } from '../test/helpers/pm2-workspace.js';

const PM2 = resolve(import.meta.dirname, '../bench/node_modules/pm2/bin/pm2');
const BASE_ENV = ['PATH', 'HOME', 'PM2_HOME'];
/** Variables PM2 adds itself (and PWD, which it sets to the app's cwd). */
const PM2_OWN = /^(PM2_|pm_|NODE_APP_INSTANCE$|PWD$|unique_id$|km_link$|vizion_running$)/;
const KEYS = ['name', 'pm_exec_path', 'exec_interpreter', 'node_args', 'args', 'pm_cwd', 'watch', 'ignore_watch', 'watch_delay',
  'autorestart', 'cron_restart', 'max_restarts', 'min_uptime', 'restart_delay', 'exp_backoff_restart_delay', 'kill_timeout',
  'max_memory_restart', 'instances', 'exec_mode', 'log_date_format', 'merge_logs', 'pm_out_log_path', 'pm_err_log_path', 'pm_log_path'];

const only = process.argv.slice(2);
for (const c of PM2_CASES.filter((x) => only.length === 0 || only.includes(caseKey(x)))) {
  const ws = makeWorkspace(c);
  const home = mkdtempSync(join(tmpdir(), 'pm2-home-'));
  const env = { PATH: ws.path, HOME: home, PM2_HOME: home };
  const pm2 = (...args: string[]) => spawnSync(process.execPath, [PM2, ...args], { cwd: ws.runFrom, env, encoding: 'utf8', timeout: 60_000 });
  try {
    const started = pm2('start', relative(ws.runFrom, ws.file), ...(c.env ? ['--env', c.env] : []));
    const list = JSON.parse(pm2('jlist').stdout || '[]') as { pm2_env: Record<string, unknown> }[];
    const norm = (v: unknown): unknown => normalize(v, ws.root);
    const apps = list.map(({ pm2_env: e }) => {
      const app: Record<string, unknown> = Object.fromEntries(KEYS.map((k) => [k, norm(e[k] ?? null)]));
      const appEnv = e.env as Record<string, string>;
      const given = (k: string, v: string) => BASE_ENV.includes(k) && v === env[k as keyof typeof env];
      app.env = Object.fromEntries(Object.entries(appEnv).filter(([k, v]) => !given(k, v) && !PM2_OWN.test(k) && k !== e.name)
        .map(([k, v]) => [k, typeof v === 'string' ? callerPlaceholders(v, env) : v]));
      return app;
    });
    const error = apps.length > 0 ? null : (started.stderr + started.stdout).split('\n').find((l) => /error|not found|malformated|NOT AVAILABLE/i.test(l))?.replace(/\x1b\[[0-9;]*m/g, '').trim() ?? 'no app started';
    const out = { id: caseKey(c), file: c.file, env: c.env ?? null, pm2: '7.0.4', accepted: apps.length > 0, error, apps };
    writeFileSync(join(FIXTURES, 'expected', `${caseKey(c)}.json`), `${JSON.stringify(out, null, 2)}\n`);
    console.log(`${caseKey(c)}: ${apps.length} app(s)${error ? ` (${error})` : ''}`);
  } finally {
    pm2('kill');
    rmSync(home, { recursive: true, force: true });
    ws.cleanup();
  }
}

function normalize(v: unknown, root: string): unknown {
  if (typeof v === 'string') {
    if (v.startsWith(root)) return `<ws>${v.slice(root.length)}`;
    if (v.startsWith('/') && findOnPath(basename(v)) === v) return `PATH:${basename(v)}`;
    if (v === process.execPath) return 'PATH:node';
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => normalize(x, root));
  return v;
}
