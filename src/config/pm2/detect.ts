// What is a PM2 file: one rule for `start`, `config check` and `import pm2`.
// By name, a JS file is a config (not a script to run) when PM2 would take it as one:
// *.config.js|cjs|mjs, and ecosystem*.js|cjs|mjs. By content, a parsed document is PM2's when it
// is an array of apps, has a `pm2` key, is a single app object, or has `apps` with PM2-shaped apps.

/** JS files that are configs rather than scripts (PM2's rule, plus ecosystem.js). */
export function isJsConfigName(file: string): boolean {
  const base = file.split('/').pop() ?? file;
  return /\.config\.[cm]?js$/.test(base) || /^ecosystem([.-][^/]*)?\.[cm]?js$/.test(base);
}

/** Files `start` reads as configs: YAML/JSON (bulwark or PM2, by content) and the JS names above. */
export function isConfigFileName(file: string): boolean {
  return /\.(ya?ml|json)$/.test(file) || isJsConfigName(file);
}

/** Keys of a bulwark app (src/config/schema/apps.ts); an app with only these is read as bulwark's. */
const BULWARK_APP_KEYS = new Set([
  'name', 'script', 'cmd', 'args', 'cwd', 'interpreter', 'interpreterArgs', 'env', 'envs', 'user', 'group', 'restart', 'stop', 'health',
  'limits', 'cron', 'watch', 'logs', 'instances', 'exec_mode', 'listen', 'wait_ready', 'listen_timeout', 'kill_timeout', 'instance_var',
  'increment_var', 'shutdown_with_message',
]);
const BULWARK_TOP_KEYS = new Set(['apps', 'security', 'forward', 'alerts', 'http']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Is this parsed document a PM2 process file? A JS module cannot be a bulwark config, so any apps
 * there are PM2's; in YAML/JSON the apps must be PM2-shaped (bulwark's own apps look alike).
 */
export function isPm2Document(doc: unknown, fromJs = false): boolean {
  if (Array.isArray(doc)) return doc.some(isObject);
  if (!isObject(doc)) return false;
  if ('pm2' in doc) return true;
  if (!('apps' in doc)) return typeof doc.script === 'string' || typeof doc.exec === 'string' || typeof doc.cmd === 'string' || typeof doc.command === 'string';
  if (!Array.isArray(doc.apps)) return isObject(doc.apps);
  return fromJs ? doc.apps.some(isObject) : doc.apps.some(isPm2App);
}

/** An app with a key bulwark does not have, or a PM2-typed value under a shared key. */
function isPm2App(app: unknown): boolean {
  if (!isObject(app)) return false;
  if (Object.keys(app).some((k) => !BULWARK_APP_KEYS.has(k) && isPm2Key(k))) return true;
  return typeof app.args === 'string' || typeof app.watch === 'boolean' || Array.isArray(app.watch) || typeof app.watch === 'string'
    || typeof app.cmd === 'string' || typeof app.restart === 'number'
    // PM2's milliseconds (bulwark durations carry a unit) and its `_mode` spellings
    || (typeof app.kill_timeout === 'number' && app.kill_timeout !== 0) || (typeof app.listen_timeout === 'number' && app.listen_timeout !== 0)
    || (typeof app.exec_mode === 'string' && app.exec_mode.endsWith('_mode')) || (typeof app.instances === 'string' && app.instances !== 'max');
}

/** PM2 app keys (PM2's lib/API/schema.json and the aliases it accepts). */
export function isPm2Key(key: string): boolean {
  return PM2_APP_KEYS.has(key) || /^env_\S+$/.test(key);
}

export const PM2_APP_KEYS = new Set([
  'script', 'exec', 'cmd', 'command', 'name', 'name_prefix', 'filter_env', 'namespace', 'install_url', 'cwd', 'args',
  'exec_interpreter', 'interpreter', 'node_args', 'interpreter_args', 'interpreterArgs', 'out_file', 'out', 'output', 'out_log',
  'error_file', 'error', 'err', 'err_file', 'err_log', 'log_file', 'log', 'disable_logs', 'log_type', 'log_date_format', 'time',
  'env', 'max_memory_restart', 'pid_file', 'pid', 'restart_delay', 'exp_backoff_restart_delay', 'source_map_support',
  'disable_source_map_support', 'wait_ready', 'instances', 'kill_timeout', 'shutdown_with_message', 'listen_timeout',
  'cron_restart', 'cron', 'merge_logs', 'combine_logs', 'vizion', 'autostart', 'autorestart', 'stop_exit_codes', 'watch_delay',
  'watch', 'ignore_watch', 'watch_options', 'min_uptime', 'max_restarts', 'execute_command', 'exec_mode', 'force',
  'append_env_to_name', 'post_update', 'trace', 'disable_trace', 'v8', 'event_loop_inspector', 'deep_monitoring',
  'increment_var', 'instance_var', 'pmx', 'automation', 'treekill', 'port', 'username', 'uid', 'user', 'gid', 'windowsHide',
  'kill_retry_time', 'write', 'io', 'env_file', 'version',
]);

export { BULWARK_TOP_KEYS };
