// An app's environment as PM2 gives it: env, with env_NAME merged over it by `--env NAME`, `port`
// as PORT, numbers and booleans as strings, objects as JSON, undefined values left out.
import { type Context, isObject, type Pm2App } from './context.js';
import { ENV_CANARY } from './read.js';

/** env, with env_NAME merged when selected; PM2's stringification; the caller's spread env left out. */
export function pm2Env(a: Pm2App, label: string, ctx: Context): { env?: unknown; envs?: Record<string, unknown> } {
  const selected = ctx.envName !== undefined && !ctx.forYaml ? a[`env_${ctx.envName}`] : undefined;
  let env = mergeObjects(a.env, selected);
  if (a.port !== undefined && a.port !== null) env = { ...(isObject(env) ? env : {}), PORT: a.port };
  if (env !== undefined && !isObject(env)) return { env }; // validation reports it
  const out = { env: env === undefined ? undefined : cleanEnv(env, label, 'env', ctx) };
  if (!ctx.forYaml) return out;
  const envs = Object.fromEntries(Object.keys(a).filter((k) => /^env_\S+$/.test(k) && isObject(a[k]))
    .map((k) => [k.slice(4), cleanEnv(a[k] as Record<string, unknown>, label, k, ctx)]));
  return Object.keys(envs).length > 0 ? { ...out, envs } : out;
}

function mergeObjects(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  return { ...(isObject(base) ? base : {}), ...(isObject(over) ? over : {}) };
}

function cleanEnv(env: Record<string, unknown>, label: string, key: string, ctx: Context): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const unset: string[] = [];
  let fromCaller = 0;
  const spreads = ENV_CANARY in env;
  for (const [k, v] of Object.entries(env)) {
    if (k === ENV_CANARY) continue;
    if (v === undefined || v === null || typeof v === 'function') { unset.push(k); continue; }
    // PM2 stringifies numbers and booleans, and JSON-encodes objects.
    const value = typeof v === 'object' ? JSON.stringify(v) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
    if (spreads && ctx.env[k] === value) { fromCaller++; continue; }
    out[k] = value;
  }
  if (unset.length > 0) ctx.warnings.push(`${label}: ${key} ${unset.join(', ')} ${unset.length > 1 ? 'are' : 'is'} undefined (an unset variable?) and left out, as PM2 leaves ${unset.length > 1 ? 'them' : 'it'} out`);
  if (spreads) ctx.warnings.push(`${label}: ${key} spreads process.env: the ${fromCaller} variable(s) equal to your environment are not copied into the config (they reach the app from the caller's environment at start)`);
  return out;
}
