// What each control request may carry, checked at the socket before any handler runs: the daemon
// trusts nothing that arrives there (a bad request gets an EBADREQ reply naming the problem; only
// a valid one reaches the daemon's internals). A command without a schema here is not served.
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { configSchema, type AppConfig, type BulwarkConfig } from '../config/schema/index.js';
import { securitySchema } from '../config/schema/security.js';
import { alertsSchema } from '../config/schema/alerts.js';
import { parseValidatedForm } from '../config/schema/units.js';
import { BAN_REQUEST_ARGS } from './ban-service.js';

/** The envelope of every request line. */
export const requestEnvelope = z.strictObject({
  v: z.number(),
  id: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  cmd: z.string().min(1).max(64),
  args: z.record(z.string(), z.unknown()).optional(),
});

const none = z.strictObject({});
/** An app name as the config allows it, or `all`. */
const appName = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'an app name (A-Z a-z 0-9 . _ -, at most 64)');

/** `schema` for data that went through the config schema once (durations as numbers of ms). */
function validatedForm<T extends z.ZodType>(schema: T) {
  return z.unknown().transform((raw, ctx): z.output<T> => {
    const parsed = parseValidatedForm(() => schema.safeParse(raw));
    if (parsed.success) return parsed.data;
    for (const i of parsed.error.issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
    return z.NEVER;
  });
}

/** The caller's shell environment the CLI adds to each app (`start`, `restart --update-env`). */
const callerEnv = z.record(z.string(), z.string());

/**
 * A config that came through the socket or from the app table: validated again, whole, by the
 * config schema (the CLI's validated output validates to itself), with absolute app working
 * directories; each app may also carry the `callerEnv` the CLI added (not a config key).
 */
export const appliedConfig = z.unknown().transform((raw, ctx): BulwarkConfig => {
  const envs = new Map<number, unknown>();
  const apps = (raw as { apps?: unknown } | null)?.apps;
  const stripped = Array.isArray(apps)
    ? { ...(raw as object), apps: apps.map((a: unknown, i) => {
      if (typeof a !== 'object' || a === null || !('callerEnv' in a)) return a;
      const { callerEnv: env, ...rest } = a as { callerEnv: unknown };
      envs.set(i, env);
      return rest;
    }) }
    : raw;
  const parsed = parseValidatedForm(() => configSchema.safeParse(stripped));
  if (!parsed.success) {
    for (const i of parsed.error.issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
    return z.NEVER;
  }
  const config = parsed.data;
  // The apps of one `start` carry the same callerEnv: each distinct one is checked once and shared.
  const checked = new Map<string, ReturnType<typeof callerEnv.safeParse>>();
  config.apps.forEach((a, i) => {
    if (a.cwd === undefined || !isAbsolute(a.cwd)) ctx.addIssue({ code: 'custom', path: ['apps', i, 'cwd'], message: 'the CLI sends absolute working directories' });
    if (!envs.has(i)) return;
    const key = JSON.stringify(envs.get(i)) ?? '';
    let env = checked.get(key);
    if (env === undefined) checked.set(key, env = callerEnv.safeParse(envs.get(i)));
    if (env.success) (a as AppConfig).callerEnv = env.data;
    else ctx.addIssue({ code: 'custom', path: ['apps', i, 'callerEnv'], message: 'names mapped to strings' });
  });
  return config;
});

export const REQUEST_ARGS = {
  ping: none,
  apply: z.strictObject({
    config: appliedConfig,
    /** What the file wrote itself: top-level sections and `alerts.<key>` (config-owners.ts). */
    declared: z.array(z.string().max(64)).max(64).optional(),
    /** The owner: a config file's absolute path, or `cli:<app>` for a script from the command line. */
    source: z.strictObject({
      id: z.string().max(4096).refine((id) => isAbsolute(id) || /^cli:[A-Za-z0-9._-]{1,64}$/.test(id), 'an absolute path or cli:<app>'),
      label: z.string().max(4096),
    }).optional(),
    /** For a file: the caller's cwd and `--env`, so that SIGHUP reads it again the same way. */
    origin: z.strictObject({
      cwd: z.string().refine(isAbsolute, 'an absolute path').optional(),
      envName: z.string().max(64).optional(),
    }).optional(),
    /** The caller's environment, once for every app of the request (one copy per app made a start of 1,000 apps a 3 MB request). */
    callerEnv: callerEnv.optional(),
    /** The schema's defaults for settings no file declares. */
    defaults: validatedForm(z.strictObject({ security: securitySchema, alerts: alertsSchema })).optional(),
    force: z.boolean().optional(),
    replace: z.boolean().optional(),
    create: z.boolean().optional(),
    dryRun: z.boolean().optional(),
  }),
  /** Waits until the named apps survived their minUptime or failed. */
  settle: z.strictObject({ names: z.union([z.literal('all'), z.array(appName).max(10_000)]).optional() }),
  start: z.strictObject({ name: appName }),
  stop: z.strictObject({ name: appName }),
  restart: z.strictObject({ name: appName, callerEnv: callerEnv.optional() }),
  reload: z.strictObject({ name: appName }),
  /** More than this is a typo, not a plan (each instance is a process). */
  scale: z.strictObject({ name: appName, instances: z.number().int().min(1).max(1024) }),
  delete: z.strictObject({ name: appName }),
  // stream: one data message per app (the CLI prints as they arrive), then the rest.
  status: z.strictObject({ name: appName.optional(), all: z.boolean().optional(), stream: z.boolean().optional() }),
  offenders: none,
  'forward.status': none,
  'forward.test': z.strictObject({ name: z.string().max(64).optional() }),
  'alert.test': z.strictObject({ channel: z.string().max(64).optional() }),
  'alert.channels': none,
  describe: z.strictObject({ name: appName }),
  events: z.strictObject({
    type: z.string().max(64).optional(),
    app: z.string().max(64).optional(),
    limit: z.number().int().min(0).max(100_000).default(100),
    follow: z.boolean().optional(),
    stream: z.boolean().optional(),
  }),
  save: none,
  resurrect: none,
  kill: none,
  ...BAN_REQUEST_ARGS,
} satisfies Record<string, z.ZodType>;

export type Command = keyof typeof REQUEST_ARGS;
export type RequestArgs<C extends Command> = z.output<(typeof REQUEST_ARGS)[C]>;

/** zod issues as one line: "config.apps[0].cwd: the CLI sends ...; name: ...". */
export function describeIssues(err: z.ZodError): string {
  return err.issues.slice(0, 5).map((i) => `${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(request)'}: ${i.message}`).join('; ')
    + (err.issues.length > 5 ? `; and ${err.issues.length - 5} more` : '');
}
