// An app's environment as PM2 gives it: env, with env_NAME merged over it by `--env NAME`, `port`
// as PORT, numbers and booleans as strings, objects as JSON, undefined values left out.
// For `import pm2`, a value the file read from the caller's environment is written as a `${NAME}`
// reference (./env-origins.ts), and one it spread from process.env is left out: no secret on disk.
import { type Context, isObject, type Pm2App } from './context.js';
import { YamlValue } from './env-origins.js';
import { ENV_CANARY } from './read.js';

/**
 * env, with env_NAME merged when selected; PM2's stringification; the caller's spread env left out.
 * `probed` is the same app evaluated with markers for the caller's values (import only).
 */
export function pm2Env(a: Pm2App, label: string, ctx: Context, probed?: Pm2App): { env?: unknown; envs?: Record<string, unknown> } {
  const selected = ctx.envName !== undefined && !ctx.forYaml ? a[`env_${ctx.envName}`] : undefined;
  let env = mergeObjects(a.env, selected);
  if (a.port !== undefined && a.port !== null) env = { ...(isObject(env) ? env : {}), PORT: a.port };
  if (env !== undefined && !isObject(env)) return { env }; // validation reports it
  const probedEnv = probed && { ...(isObject(probed.env) ? probed.env : {}), ...(probed.port != null ? { PORT: probed.port } : {}) };
  const out = { env: env === undefined ? undefined : cleanEnv(env, label, 'env', ctx, probedEnv) };
  if (!ctx.forYaml) return out;
  const envs = Object.fromEntries(Object.keys(a).filter((k) => /^env_\S+$/.test(k) && isObject(a[k]))
    .map((k) => [k.slice(4), cleanEnv(a[k] as Record<string, unknown>, label, k, ctx, probed && isObject(probed[k]) ? probed[k] : undefined)]));
  return Object.keys(envs).length > 0 ? { ...out, envs } : out;
}

function mergeObjects(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  return { ...(isObject(base) ? base : {}), ...(isObject(over) ? over : {}) };
}

function cleanEnv(env: Record<string, unknown>, label: string, key: string, ctx: Context, probed?: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const unset: string[] = [];
  const referenced: string[] = [];
  const unclear: string[] = [];
  let fromCaller = 0;
  const spreads = ENV_CANARY in env;
  for (const [k, v] of Object.entries(env)) {
    if (k === ENV_CANARY) continue;
    if (v === undefined || v === null || typeof v === 'function') { unset.push(k); continue; }
    const value = pm2String(v);
    if (!ctx.forYaml) {
      if (spreads && ctx.env[k] === value) fromCaller++;
      else out[k] = value;
      continue;
    }
    const origin = ctx.probe
      ? ctx.probe.origin(value, probed?.[k] == null ? undefined : pm2String(probed[k]), k)
      // Not probed: a value equal to the caller's variable of that name is taken as read from it.
      : ctx.env[k] === value ? { kind: 'env' as const, name: k } : { kind: 'literal' as const };
    if (origin.kind === 'literal') {
      out[k] = value;
    } else if (origin.kind === 'env' || origin.kind === 'template') {
      if (spreads && origin.kind === 'env' && origin.name === k) { fromCaller++; continue; }
      out[k] = new YamlValue(origin.kind === 'env' ? `\${${origin.name}}` : origin.yaml, value);
      referenced.push(k);
    } else if (spreads && ctx.env[k] === value) {
      fromCaller++;
    } else {
      out[k] = value;
      unclear.push(k);
    }
  }
  const they = (n: string[]) => (n.length > 1 ? 'are' : 'is');
  if (unset.length > 0) ctx.warnings.push(`${label}: ${key} ${unset.join(', ')} ${they(unset)} undefined (an unset variable?) and left out, as PM2 leaves ${unset.length > 1 ? 'them' : 'it'} out`);
  if (spreads) ctx.warnings.push(`${label}: ${key} spreads process.env: the ${fromCaller} variable(s) it takes from your environment are not copied into the config (they reach the app from the caller's environment at start)`);
  if (referenced.length > 0) ctx.warnings.push(`${label}: ${key} ${referenced.join(', ')} ${they(referenced)} read from your environment: written as \${NAME} references, filled from the environment of \`bulwark start\` (bulwark.yml reads no .env file: export them)`);
  if (unclear.length > 0) ctx.warnings.push(`${label}: ${key} ${unclear.join(', ')} depend${unclear.length > 1 ? '' : 's'} on your environment in a way import cannot write as \${NAME}: the value from this shell is written; check it for secrets`);
  return out;
}

/** PM2 stringifies numbers and booleans, and JSON-encodes objects. */
function pm2String(v: unknown): string {
  return typeof v === 'object' ? JSON.stringify(v) : typeof v === 'string' ? v : String(v);
}
