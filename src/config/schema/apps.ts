// `apps:` — one supervised program each. Defaults are chosen for an operator coming from PM2/systemd
// (see README "Configuration defaults").
import { nodeCron } from '../../common/node-cron.js';
import { z } from 'zod';
import { duration, percent, size } from './units.js';
import { clusterKeys } from './cluster.js';

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGKILL'] as const;

const backoff = z.strictObject({
  initial: duration.default(100),
  max: duration.default(30_000),
  factor: z.number().min(1).default(2),
  jitter: z.number().min(0).max(1).default(0.1),
});

const restart = z.strictObject({
  policy: z.enum(['always', 'on-failure', 'never']).default('always'),
  backoff: backoff.default({ initial: 100, max: 30_000, factor: 2, jitter: 0.1 }),
  /** A run shorter than this is a failed start (PM2's min_uptime); a longer one resets the count and the backoff. */
  minUptime: duration.default(1_000),
  /** Restarts after failed starts in a row before the app is `errored` (PM2's max_restarts). */
  maxRestarts: z.number().int().min(0).default(10),
  /** No longer used (maxRestarts counts failed starts in a row); accepted with a warning. */
  window: duration.optional(),
});

const stop = z.strictObject({
  signal: z.enum(SIGNALS).default('SIGTERM'),
  timeout: duration.default(10_000),
  /** Grace after the stop signal when the app is hung (its handler cannot run), before SIGKILL. */
  hangTimeout: duration.default(500),
});

const probe = {
  interval: duration.default(5_000),
  timeout: duration.default(2_000),
  failures: z.number().int().min(1).default(3),
};

const health = z.strictObject({
  heartbeat: z.strictObject({ timeout: duration }).optional(),
  http: z.strictObject({ url: z.url({ protocol: /^https?$/ }), ...probe }).optional(),
  tcp: z.strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(1).max(65535), ...probe }).optional(),
  silence: duration.optional(),
  /** Probes and heartbeats are not judged until the app has been up this long. */
  grace: duration.default(0),
});

const limits = z.strictObject({
  memory: z.strictObject({ max: size, for: z.number().int().min(1).default(3) }).optional(),
  cpu: z.strictObject({ max: percent, for: duration.default(30_000) }).optional(),
  sampleEvery: duration.default(2_000),
});

const watch = z.strictObject({
  paths: z.array(z.string()).min(1),
  ignore: z.array(z.string()).default([]),
  debounce: duration.default(500),
});

/** `logs.format`: `auto` picks a parser per line (docs/detection.md lists what each reads). */
export const LOG_FORMATS = ['auto', 'json', 'journal', 'text', 'clf', 'vhost', 'morgan', 'sshd', 'syslog', 'nginx-error', 'apache-error'] as const;

/** A file to write, not a directory; `/dev/null` is no copy at all (leave the key out instead). */
const logPath = z.string().min(1).refine((p) => !p.endsWith('/') && p !== '/dev/null', { message: 'a file path (not a directory, not /dev/null)' });

const logs = z.strictObject({
  rotate: z.strictObject({ size: size.default(10 * 1024 * 1024), keep: z.number().int().min(0).default(5) })
    .default({ size: 10 * 1024 * 1024, keep: 5 }),
  tail: z.array(z.string()).default([]),
  format: z.enum(LOG_FORMATS).default('auto'),
  /** Prefix every captured line with the time it was read: true (ISO local time) or a PM2/moment format. */
  timestamps: z.union([z.boolean(), z.string().min(1)]).default(false),
  /**
   * Also write the captured output to these files, relative to the app's cwd (PM2's out_file,
   * error_file, log_file); rotated like the capture files. Detection reads bulwark's own files.
   */
  copyTo: z.strictObject({ stdout: logPath.optional(), stderr: logPath.optional(), combined: logPath.optional() }).optional(),
});

const envVars = z.record(z.string(), z.string());

export const appSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'names use only A-Z a-z 0-9 . _ - (at most 64)'),
  script: z.string().min(1).optional(),
  cmd: z.array(z.string().min(1)).min(1).optional(),
  args: z.array(z.string()).default([]),
  cwd: z.string().optional(),
  /** What runs `script`: a program on PATH or a path (an nvm node), or `none` to exec the script itself. */
  interpreter: z.string().min(1).optional(),
  /** Arguments for the interpreter, before the script (PM2's node_args / interpreter_args). */
  interpreterArgs: z.array(z.string()).default([]),
  env: envVars.default({}),
  /** Named env sets; `start --env NAME` merges envs.NAME over env (PM2's env_NAME). */
  envs: z.record(z.string(), envVars).optional(),
  /** Run as this user (name or uid) and group (name or gid; default: the user's group). Needs a root daemon. */
  user: z.union([z.string().regex(/^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}\$?$/, 'a user name'), z.number().int().min(0)]).optional(),
  group: z.union([z.string().regex(/^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}\$?$/, 'a group name'), z.number().int().min(0)]).optional(),
  restart: restart.prefault({}),
  stop: stop.prefault({}),
  health: health.prefault({}),
  limits: limits.prefault({}),
  cron: z.string().refine((e) => nodeCron().validate(e), {
    message: 'not a valid cron expression',
    params: { hint: 'node-cron syntax: 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first; e.g. "0 4 * * *" is 04:00 every day' },
  }).optional(),
  watch: watch.optional(),
  logs: logs.prefault({}),
  ...clusterKeys,
}).refine((a) => (a.script === undefined) !== (a.cmd === undefined), {
  message: 'an app needs exactly one of `script` or `cmd`',
  // Judged on the input even when other keys are wrong, so every error shows in one run.
  when: (p) => typeof p.value === 'object' && p.value !== null,
});

export type AppConfig = z.output<typeof appSchema> & {
  /** The environment of the shell that ran `start` (set by the CLI, never read from a file). */
  callerEnv?: Record<string, string>;
};
export type AppConfigInput = z.input<typeof appSchema>;
