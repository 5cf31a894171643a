// PM2 key spellings and the one-line note each key bulwark does not map one-to-one gets in the
// warning. The full table, with reasons, is docs/pm2.md.

/** PM2's aliases (lib/API/schema.json, lib/Common.js verifyConfs) -> the canonical key. */
export const ALIASES: Record<string, string> = {
  exec: 'script', cmd: 'script', command: 'script',
  interpreter: 'exec_interpreter', interpreter_args: 'node_args', interpreterArgs: 'node_args',
  out: 'out_file', output: 'out_file', out_log: 'out_file',
  error: 'error_file', err: 'error_file', err_file: 'error_file', err_log: 'error_file',
  log: 'log_file', pid: 'pid_file', cron: 'cron_restart', combine_logs: 'merge_logs', user: 'uid',
};

/** Keys with a direct bulwark meaning (handled in ../pm2.ts). */
export const MAPPED = new Set([
  'name', 'script', 'args', 'cwd', 'env', 'exec_interpreter', 'node_args', 'max_memory_restart', 'cron_restart',
  'watch', 'ignore_watch', 'watch_delay', 'min_uptime', 'max_restarts', 'restart_delay', 'exp_backoff_restart_delay',
  'kill_timeout', 'autorestart', 'port', 'log_date_format', 'time', 'out_file', 'error_file', 'log_file', 'instances', 'exec_mode', 'wait_ready',
  'listen_timeout', 'instance_var', 'increment_var', 'shutdown_with_message', 'uid', 'gid',
]);

/** Keys that change nothing in bulwark, or nothing it can honour, with what to do instead. */
export const NOTES: Record<string, string> = {
  merge_logs: 'not needed: each instance has its own capture file (<name>@N.out.log), and the copies where your log paths point hold every instance, as with merge_logs',
  disable_logs: 'bulwark always captures output (detection reads it); use logs.rotate to bound the size',
  log_type: 'captured lines are kept as written; `bulwark logs --json` gives JSON lines',
  pid_file: 'the pid is in `bulwark status --json`',
  watch_options: 'chokidar options are not passed through; bulwark watches with native events',
  vizion: 'no version-control metadata is collected',
  autostart: 'every app in the file starts; start a subset with bulwark start NAME',
  stop_exit_codes: 'use restart.policy: on-failure (no restart after exit code 0)',
  namespace: 'no namespaces: app names are unique per daemon',
  name_prefix: 'write the full name',
  filter_env: 'apps get the caller\'s environment; list only what they need in env',
  source_map_support: 'pass --enable-source-maps in node_args',
  disable_source_map_support: 'bulwark adds no source-map support to remove',
  force: 'bulwark start --force replaces a running app of the same name',
  append_env_to_name: 'name apps explicitly',
  post_update: 'bulwark does not pull or build code',
  execute_command: 'use interpreter: none',
  trace: 'no APM: use your tracer in the app', disable_trace: 'no APM to disable', pmx: 'no APM (pmx/io) agent is injected',
  v8: 'no APM: use your tracer in the app', event_loop_inspector: 'no APM: use your tracer in the app',
  deep_monitoring: 'no APM: use your tracer in the app', automation: 'no PM2 Plus', io: 'no PM2 Plus', install_url: 'no PM2 Plus',
  treekill: 'bulwark always signals the whole process group',
  kill_retry_time: 'stop sends the signal once, then SIGKILL after kill_timeout (stop.timeout)',
  username: 'run the daemon as that user instead', windowsHide: 'Linux only', write: 'no effect outside PM2',
  env_file: 'PM2 ignores it too: load the file with node_args: --env-file=FILE or dotenv in the app',
  version: 'informational only',
  // top level
  deploy: 'bulwark does not deploy: use your CI or ssh, then bulwark start',
  static: 'serve static files from an app (e.g. npx serve) started like any other',
  env: 'a top-level env applies to no app in PM2 either: put it in each app\'s env',
};
