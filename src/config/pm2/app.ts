// One PM2 app -> one bulwark app: the command PM2 would run, its cwd, env, restart and stop
// policy, limits, cron, watch and log settings. Keys without a one-to-one mapping become notes.
import { dirname, relative, resolve } from 'node:path';
import { formatDuration } from '../../common/units.js';
import { pm2Command } from './command.js';
import { type Context, note, type Origin, type Pm2App, type RawApp } from './context.js';
import { isPm2Key } from './detect.js';
import { pm2Env } from './env.js';
import { MAPPED, NOTES } from './keys.js';
import { pm2Logs } from './logs.js';
import { duration, isPositive, size, splitArgs } from './values.js';

// PM2's exponential backoff: x1.5 per restart, capped at 15 s (lib/God.js).
const PM2_EXP_FACTOR = 1.5;
const PM2_EXP_MAX_MS = 15_000;
/** PM2 ignores dotfiles and node_modules when `watch` is on and ignore_watch is not set. */
const PM2_DEFAULT_IGNORE = ['node_modules', '.*'];
const SAFE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** `probed`: the same app evaluated without the caller's values (import pm2 only, see ./env-origins.ts). */
export function translateApp(a: Pm2App, from: Origin, ctx: Context, probed?: Pm2App): RawApp {
  const out: RawApp = {};
  const scriptText = typeof a.script === 'string' ? a.script : undefined;
  const label = appName(a, scriptText, ctx);
  out.name = label;
  from('name', 'name');
  for (const k of Object.keys(a)) {
    if (MAPPED.has(k) || /^env_\S+$/.test(k)) continue;
    if (NOTES[k] !== undefined || !isPm2Key(k)) note(ctx, k, label);
  }

  const cwd = resolve(ctx.cwd, typeof a.cwd === 'string' ? a.cwd : '.');
  out.cwd = ctx.forYaml ? relative(dirname(ctx.file), cwd) || '.' : cwd;
  from('cwd', 'cwd');

  const args = a.args === undefined ? undefined : typeof a.args === 'string' ? splitArgs(a.args) : a.args;
  if (scriptText === undefined) {
    out.script = a.script; // validation reports it
  } else {
    const interp = typeof a.exec_interpreter === 'string' ? a.exec_interpreter : undefined;
    const cmd = pm2Command(scriptText, interp, cwd, ctx.env);
    out.script = cmd.script;
    if (cmd.interpreter !== undefined) out.interpreter = cmd.interpreter;
    if (cmd.note) ctx.warnings.push(`${label}: ${cmd.note}`);
    if (cmd.args !== undefined) {
      if (args !== undefined && (!Array.isArray(args) || args.length > 0)) ctx.warnings.push(`${label}: args are ignored with a command-line script, as PM2 ignores them`);
      out.args = cmd.args;
    } else if (args !== undefined) {
      out.args = args;
    }
    const nodeArgs = a.node_args === undefined ? [] : typeof a.node_args === 'string' ? splitArgs(a.node_args) : a.node_args;
    if (Array.isArray(nodeArgs) && nodeArgs.length > 0) {
      if (cmd.interpreter === 'none') ctx.warnings.push(`${label}: node_args are ignored with interpreter none, as in PM2`);
      else out.interpreterArgs = nodeArgs;
    }
  }
  from('script', 'script');
  from('args', 'args');
  from('interpreter', 'exec_interpreter');
  from('interpreterArgs', 'node_args');

  const env = pm2Env(a, label, ctx, probed);
  if (env.env !== undefined) { out.env = env.env; from('env', 'env'); }
  if (env.envs !== undefined) out.envs = env.envs;

  const restart: RawApp = {};
  if (a.autorestart === false || a.autorestart === 'false') restart.policy = 'never';
  else if (a.stop_exit_codes === 0 || (Array.isArray(a.stop_exit_codes) && a.stop_exit_codes.length === 1 && a.stop_exit_codes[0] === 0)) restart.policy = 'on-failure';
  if (a.min_uptime !== undefined) { restart.minUptime = duration(a.min_uptime); from('restart.minUptime', 'min_uptime'); }
  if (a.max_restarts !== undefined) { restart.maxRestarts = a.max_restarts; from('restart.maxRestarts', 'max_restarts'); }
  if (isPositive(a.exp_backoff_restart_delay)) {
    // PM2 uses the exponential delay when both are set.
    restart.backoff = { initial: duration(a.exp_backoff_restart_delay), max: formatDuration(PM2_EXP_MAX_MS), factor: PM2_EXP_FACTOR, jitter: 0 };
    from('restart.backoff', 'exp_backoff_restart_delay');
  } else if (a.restart_delay !== undefined) {
    const d = duration(a.restart_delay);
    restart.backoff = { initial: d, max: d, factor: 1, jitter: 0 };
    from('restart.backoff', 'restart_delay');
  }
  if (Object.keys(restart).length > 0) out.restart = restart;

  // PM2's uid/gid (alias user): run the app as that account; needs a root daemon, as in PM2.
  if (a.uid !== undefined) { out.user = a.uid; from('user', 'uid'); }
  if (a.gid !== undefined) { out.group = a.gid; from('group', 'gid'); }

  // PM2 stops apps with SIGINT (then SIGKILL after kill_timeout); apps written for PM2 handle SIGINT.
  out.stop = { signal: 'SIGINT', ...(a.kill_timeout !== undefined ? { timeout: duration(a.kill_timeout) } : {}) };
  from('stop.timeout', 'kill_timeout');

  if (a.max_memory_restart !== undefined) {
    out.limits = { memory: { max: size(a.max_memory_restart) } };
    from('limits.memory', 'max_memory_restart');
  }
  if (a.cron_restart !== undefined && a.cron_restart !== 0 && a.cron_restart !== '0') {
    out.cron = String(a.cron_restart);
    from('cron', 'cron_restart');
  }
  const watch = pm2Watch(a, label, ctx);
  if (watch !== undefined) {
    out.watch = watch;
    from('watch.paths', 'watch');
    from('watch.ignore', 'ignore_watch');
    from('watch.debounce', 'watch_delay');
  }
  const logs = pm2Logs(a, label, ctx, from);
  if (logs !== undefined) out.logs = logs;
  clusterFields(a, out, label, ctx, from);
  return out;
}

/** PM2 names an app after its script ("server.js" -> "server"; a command line keeps its text). */
function appName(a: Pm2App, script: string | undefined, ctx: Context): string {
  const given = typeof a.name === 'string' && a.name !== '' ? a.name : undefined;
  const raw = given ?? (script === undefined ? 'app' : /\s/.test(script.trim()) ? script.trim() : (script.split('/').pop() ?? script).replace(/\.[^.]+$/, ''));
  if (SAFE_NAME.test(raw)) return raw;
  const safe = raw.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'app';
  ctx.warnings.push(`app name ${JSON.stringify(raw)} is used as "${safe}" (bulwark names go into file names and syslog: A-Z a-z 0-9 . _ -)`);
  return safe;
}

function pm2Watch(a: Pm2App, label: string, ctx: Context): RawApp | undefined {
  const w = a.watch;
  if (w === undefined || w === false || w === 'false') return undefined;
  const paths = w === true || w === 'true' || (Array.isArray(w) && w.length === 0) ? ['.'] : typeof w === 'string' ? [w] : w;
  const given = a.ignore_watch === undefined ? PM2_DEFAULT_IGNORE : typeof a.ignore_watch === 'string' ? [a.ignore_watch] : a.ignore_watch;
  // A hole or null in the list (`['logs', , 'node_modules']`) matches nothing in PM2's watcher
  // (anymatch skips it): leave it out rather than refuse a file PM2 runs. filter() skips holes.
  const ignore = Array.isArray(given) ? given.filter((p) => p !== undefined && p !== null) : given;
  if (Array.isArray(given) && Array.isArray(ignore) && ignore.length !== given.length) ctx.warnings.push(`${label}: ignore_watch has empty entries: left out (they match nothing in PM2 either)`);
  return { paths, ignore, ...(a.watch_delay !== undefined ? { debounce: duration(a.watch_delay) } : {}) };
}

/** instances & co. keep their PM2 names in bulwark.yml; exec_mode loses PM2's `_mode` suffix. */
function clusterFields(a: Pm2App, out: RawApp, label: string, ctx: Context, from: Origin): void {
  const n = a.instances;
  const instances = n === 'max' ? 'max' : typeof n === 'string' && /^-?\d+$/.test(n.trim()) ? Number(n) : n;
  if (instances !== undefined) { out.instances = instances; from('instances', 'instances'); }
  for (const k of ['wait_ready', 'listen_timeout', 'instance_var', 'increment_var', 'shutdown_with_message'] as const) {
    if (a[k] !== undefined) { out[k] = k === 'listen_timeout' ? duration(a[k]) : a[k]; from(k, k); }
  }
  const mode = typeof a.exec_mode === 'string' ? /^(fork|cluster)(?:_mode)?$/.exec(a.exec_mode)?.[1] : undefined;
  if (mode !== undefined) { out.exec_mode = mode; from('exec_mode', 'exec_mode'); }
  else if (a.exec_mode !== undefined) out.exec_mode = a.exec_mode; // validation names the bad value
  const interp = typeof out.interpreter === 'string' ? out.interpreter : undefined;
  const node = interp === undefined ? /\.(c|m)?js$/.test(String(out.script ?? '')) : /(^|\/)(node|nodejs)$/.test(interp);
  if (mode === 'cluster' && !node) {
    ctx.warnings.push(`${label}: exec_mode cluster needs a Node app; its instances run as separate processes (give them one port with listen:, see docs/cluster.md)`);
  }
}
