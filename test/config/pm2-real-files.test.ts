// 40 real PM2 files from licensed public repositories (test/fixtures/third-party/pm2, SOURCES there):
// each loads through the same path as `start` and `config check`, and every app runs the command,
// env and cwd PM2 resolved for it (expected/*.json, recorded by scripts/pm2-expected.ts from PM2
// 7.0.4), with the same watch, restart, log timestamp and log file settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { captureCopies } from '../../src/common/capture-files.js';
import { findOnPath } from '../../src/common/path-lookup.js';
import { parseDuration, parseSize } from '../../src/common/units.js';
import { ConfigError } from '../../src/config/errors.js';
import { instanceCount } from '../../src/supervisor/cluster-mode.js';
import { loadConfigFile } from '../../src/config/load.js';
import type { AppConfig } from '../../src/config/schema/index.js';
import { spawnCommandFor } from '../../src/supervisor/spawn-command.js';
import { BIN } from '../helpers/bulwark-cli.js';
import { callerPlaceholders, caseKey, FIXTURES, makeWorkspace, PM2_CASES } from '../helpers/pm2-workspace.js';

type Pm2App = Record<string, unknown> & { name: string; env: Record<string, unknown> };
interface Expected { id: string; accepted: boolean; error: string | null; apps: Pm2App[] }

type Env = { PATH: string; HOME: string };
const PLAIN_WORDS = /^[\w@%+=:,./-]+(\s+[\w@%+=:,./-]+)*$/;

function norm(v: string, root: string, env: Env): string {
  if (v === process.execPath || v === 'node' || v === 'PATH:node') return 'node';
  if (v.startsWith(root)) return `<ws>${v.slice(root.length)}`;
  if (v.startsWith('/') && findOnPath(basename(v), env) === v) return basename(v) === 'node' ? 'node' : `PATH:${basename(v)}`;
  return v;
}

/** The argv PM2 runs (lib/God/ForkMode.js); `bash -c` of plain words counts as those words. PM2
 * spawns with the app's cwd, so a relative interpreter (`./env/bin/python`) is the one there. */
function pm2Argv(e: Pm2App, root: string, env: Env): string[] {
  const given = String(e.exec_interpreter);
  const interp = given.includes('/') && !given.startsWith('/') && !given.startsWith('<') ? norm(resolve(String(e.pm_cwd).replace('<ws>', root), given), root, env) : given;
  const script = String(e.pm_exec_path);
  const args = (e.args as string[] | null) ?? [];
  const argv = interp === 'none' ? [script, ...args] : [interp, ...((e.node_args as string[]) ?? []), script, ...args];
  if (argv[0] === 'PATH:bash' && argv[1] === '-c' && argv.length === 3 && PLAIN_WORDS.test(argv[2]!)) {
    const [first, ...rest] = argv[2]!.split(/\s+/) as [string, ...string[]];
    const found = findOnPath(first, env);
    return [found ? norm(found, root, env) : first, ...rest];
  }
  return argv.map((a) => {
    if (a === 'PATH:node' || a === 'node') return 'node';
    const found = /^[a-z0-9]+$/.test(a) && a === interp ? findOnPath(a, env) : undefined;
    return found ? norm(found, root, env) : a;
  });
}

/** Objects with their keys in order, so env comparisons ignore insertion order. */
function sorted(v: unknown): unknown {
  return v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v;
}

function compare(app: AppConfig, e: Pm2App, root: string, env: Env): string[] {
  const diffs: string[] = [];
  const check = (what: string, ours: unknown, theirs: unknown) => {
    if (JSON.stringify(sorted(ours)) !== JSON.stringify(sorted(theirs))) diffs.push(`${app.name}: ${what}: bulwark ${JSON.stringify(ours)}, PM2 ${JSON.stringify(theirs)}`);
  };
  const cmd = spawnCommandFor(app, env);
  const n = (v: string) => norm(v, root, env);
  check('command', [cmd.file, ...cmd.args].map(n), pm2Argv(e, root, env));
  check('cwd', n(app.cwd!), e.pm_cwd);
  // A JS file runs in this process, so the PATH and HOME it may read are this process's.
  const ours = Object.fromEntries(Object.entries({ ...cmd.env, ...app.env }).map(([k, v]) => [k, callerPlaceholders(v, process.env)]));
  check('env', ours, Object.fromEntries(Object.entries(e.env).map(([k, v]) => [k, String(v)])));
  const watch = e.watch === true ? [String(e.pm_cwd)] : Array.isArray(e.watch) ? e.watch.map((p) => n(resolve(app.cwd!, String(p)))) : null;
  check('watch', app.watch ? app.watch.paths.map((p) => n(resolve(app.cwd!, p))) : null, watch && watch.length ? watch : null);
  // An empty entry in ignore_watch matches nothing in PM2's watcher (anymatch skips it).
  if (app.watch) check('ignore_watch', app.watch.ignore, (e.ignore_watch as unknown[] | null)?.filter((p) => p !== null) ?? ['node_modules', '.*']);
  check('autorestart', app.restart.policy !== 'never', e.autorestart !== false);
  if (e.max_restarts !== null) check('max_restarts', app.restart.maxRestarts, e.max_restarts);
  if (e.min_uptime !== null) check('min_uptime', app.restart.minUptime, parseDuration(e.min_uptime as string | number));
  if (e.kill_timeout !== null) check('kill_timeout', app.stop.timeout, e.kill_timeout);
  if (e.exp_backoff_restart_delay !== null) check('exp_backoff_restart_delay', app.restart.backoff.initial, e.exp_backoff_restart_delay);
  else if (e.restart_delay !== null) check('restart_delay', app.restart.backoff.initial, e.restart_delay);
  check('cron_restart', app.cron ?? null, e.cron_restart ?? null);
  if (e.max_memory_restart !== null) check('max_memory_restart', app.limits.memory?.max, parseSize(e.max_memory_restart as string | number));
  const ts = app.logs.timestamps === true ? 'YYYY-MM-DDTHH:mm:ss' : app.logs.timestamps === false ? null : app.logs.timestamps;
  check('log_date_format', ts, e.log_date_format ?? null);
  // Files PM2 writes where the user said (its defaults live in PM2_HOME): bulwark writes copies there.
  const copies = captureCopies(app.logs.copyTo, app.cwd!, { out: '', err: '' });
  // With `instances` or in cluster mode PM2 names each file <name>-<pm_id>.log unless merge_logs
  // (lib/God.js); pm_id is its daemon's counter. One process per app: bulwark writes the name as given.
  const userPath = (p: unknown) => (typeof p === 'string' && p.startsWith('<ws>') ? [e.merge_logs ? p : p.replace(/-\d+\.log$/, '.log')] : []);
  check('out_file', copies.out.map(n).sort(), [...new Set([...userPath(e.pm_out_log_path), ...userPath(e.pm_log_path)])].sort());
  check('error_file', copies.err.map(n).sort(), [...new Set([...userPath(e.pm_err_log_path), ...userPath(e.pm_log_path)])].sort());
  return diffs;
}

const results: { id: string; pm2: boolean; bulwark: boolean; diffs: string[] }[] = [];

for (const c of PM2_CASES) {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected', `${caseKey(c)}.json`), 'utf8')) as Expected;
  test(`${c.id}/${c.file}${c.env ? ` --env ${c.env}` : ''}: ${expected.accepted ? 'runs what PM2 runs' : `PM2 refuses it (${expected.error?.slice(0, 60)})`}`, async (t) => {
    const ws = makeWorkspace(c);
    t.after(() => ws.cleanup());
    const env: Env = { PATH: ws.path, HOME: '/nonexistent' };
    let loaded;
    try {
      loaded = await loadConfigFile(ws.file, env, { envName: c.env, cwd: ws.runFrom });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      results.push({ id: caseKey(c), pm2: expected.accepted, bulwark: false, diffs: [err.message] });
      assert.equal(expected.accepted, false, `PM2 accepts this file but bulwark refuses it:\n${err.message}`);
      if (/malformated/.test(expected.error ?? '')) assert.match(err.message, /cannot load ecosystem file/);
      return;
    }
    if (/malformated/.test(expected.error ?? '')) {
      // In-process, tsx (which runs these tests) would compile ESM syntax in a .cjs file; the CLI has no tsx.
      const r = spawnSync(process.execPath, [BIN, 'config', 'check', ws.file], { cwd: ws.runFrom, env, encoding: 'utf8' });
      assert.equal(r.status, 78, `a file PM2 cannot load must not load in bulwark either: ${r.stdout}${r.stderr}`);
      results.push({ id: caseKey(c), pm2: false, bulwark: false, diffs: [r.stderr] });
      return;
    }
    const diffs: string[] = [];
    if (expected.accepted) {
      const byName = new Map<string, Pm2App>();
      for (const e of expected.apps) if (!byName.has(e.name)) byName.set(e.name, e);
      for (const e of byName.values()) {
        const ours = loaded.config.apps.find((a) => a.name === e.name || a.name === e.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, ''));
        if (!ours) { diffs.push(`${e.name}: missing from bulwark's apps`); continue; }
        diffs.push(...compare(ours, e, ws.root, env));
        const n = expected.apps.filter((x) => x.name === e.name).length;
        // A per-CPU count (max, 0, -1) depends on the machine PM2 ran on; a number must match.
        if (n > 1) assert.ok(typeof ours.instances === 'number' && ours.instances > 0 ? instanceCount(ours) === n : instanceCount(ours) >= 1, `${ours.name}: PM2 runs ${n} processes`);
      }
    }
    results.push({ id: caseKey(c), pm2: expected.accepted, bulwark: true, diffs });
    assert.deepEqual(diffs, []);
  });
}

test('summary: of the real files PM2 accepts, bulwark loads all and runs none differently', () => {
  const accepted = results.filter((r) => r.pm2);
  const same = accepted.filter((r) => r.bulwark && r.diffs.length === 0);
  console.log(`# real PM2 files: ${results.length}; PM2 accepts ${accepted.length}; bulwark loads and matches ${same.length}; ` +
    `PM2 refuses ${results.length - accepted.length} (bulwark refuses ${results.filter((r) => !r.pm2 && !r.bulwark).length} of those)`);
  assert.equal(results.length, PM2_CASES.length);
  assert.equal(same.length, accepted.length);
});
