// Load bulwark.yml / .json (or a PM2 ecosystem file), expand ${ENV}, validate, and locate every error.
import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { configSchema, type BulwarkConfig } from './schema/index.js';
import { ConfigError, formatPath, type ConfigIssue } from './errors.js';
import { hintFor } from './hints.js';
import { isPm2Document } from './pm2/detect.js';
import { parseDataFile } from './pm2/read.js';

export interface LoadedConfig {
  file: string;
  config: BulwarkConfig;
  /** Non-fatal notes (e.g. PM2 keys that have no bulwark equivalent). */
  warnings: string[];
  /** A PM2 file carries only apps; a bulwark file also owns security, forward and alerts. */
  kind?: 'pm2' | 'bulwark';
}

export interface LoadOptions {
  /** `--env NAME`: envs.NAME (PM2: env_NAME) is merged over each app's env. */
  envName?: string | undefined;
  /** Where relative paths of a PM2 file resolve from, as in PM2: the caller's cwd. */
  cwd?: string | undefined;
}

/** Reads and validates a config file; throws ConfigError listing every problem. */
export async function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): Promise<LoadedConfig> {
  const file = resolve(path);
  if (/\.[cm]?js$/.test(file)) {
    const { loadPm2Ecosystem } = await import('./pm2.js');
    return { ...await loadPm2Ecosystem(file, env, opts), kind: 'pm2' };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, path: '', message: `cannot read: ${(err as Error).message}`, hint: 'check the path and permissions' }]);
  }
  const pm2Doc = pm2Document(file, text);
  if (pm2Doc !== undefined) {
    const { loadPm2Document } = await import('./pm2.js');
    return { ...loadPm2Document(pm2Doc, file, env, opts), kind: 'pm2' };
  }
  const config = parseConfigText(text, file, env);
  return { file, config, warnings: selectEnv(config, opts.envName), kind: 'bulwark' };
}

/** The parsed document when the text is a PM2 process file (the rule in ./pm2/detect.ts). */
function pm2Document(file: string, text: string): unknown {
  let doc: unknown;
  try {
    doc = parseDataFile(file, text);
  } catch {
    return undefined; // not PM2's either: the YAML parser reports it
  }
  return isPm2Document(doc) ? doc : undefined;
}

/** Merges envs.NAME over env; names the apps that do not define it. */
function selectEnv(config: BulwarkConfig, name: string | undefined): string[] {
  if (name === undefined) return [];
  const missing = config.apps.filter((a) => a.envs?.[name] === undefined).map((a) => a.name);
  for (const a of config.apps) a.env = { ...a.env, ...a.envs?.[name] };
  return missing.length === 0 ? [] : [`--env ${name}: ${missing.join(', ')} define${missing.length === 1 ? 's' : ''} no envs.${name}; ${missing.length === 1 ? 'its' : 'their'} env is used`];
}

/** Parses YAML (JSON is YAML) text and validates it. */
export function parseConfigText(text: string, file: string, env: NodeJS.ProcessEnv = process.env): BulwarkConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return { file, path: '', line: pos.line, column: pos.col, message: e.message.split('\n')[0]!, hint: 'fix the YAML syntax (indentation uses spaces; quote strings containing ": ")' };
    }));
  }
  const raw = doc.toJS() ?? {};
  return validateConfig(raw, file, env, (p) => locate(doc, lineCounter, p), extname(file) === '.json' ? 'json' : 'yaml');
}

/** Validates an already-parsed object (also used for PM2 files and `start script`). */
export function validateConfig(
  raw: unknown, file: string, env: NodeJS.ProcessEnv,
  locateFn: (path: readonly PropertyKey[]) => { line: number; column: number } | undefined = () => undefined,
  _kind = 'yaml',
): BulwarkConfig {
  const issues: ConfigIssue[] = [];
  const expanded = expandEnv(raw, env, [], (path, name) => issues.push({
    file, path: formatPath(path), ...locateFn(path), message: `environment variable ${name} is not set`,
    hint: `export ${name}=... before starting bulwark (secrets are read only from the environment)`,
  }));
  const result = configSchema.safeParse(expanded);
  if (!result.success) issues.push(...result.error.issues.map((i) => toIssue(i, file, locateFn)));
  if (issues.length > 0) throw new ConfigError(issues);
  const config = result.data!;
  const base = dirname(file);
  for (const app of config.apps) app.cwd = resolve(base, app.cwd ?? '.');
  return config;
}

function toIssue(i: z.core.$ZodIssue, file: string, locateFn: (p: readonly PropertyKey[]) => { line: number; column: number } | undefined): ConfigIssue {
  let path = i.path;
  let message = i.message;
  if (i.code === 'unrecognized_keys') {
    // Point at the first unknown key itself, so the line number is the offending one.
    path = [...i.path, i.keys[0]!];
    message = `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return { file, path: formatPath(path), ...(locateFn(path) ?? locateFn(i.path)), message, hint: hintFor(i, path) };
}

function locate(doc: Document, lc: LineCounter, path: readonly PropertyKey[]): { line: number; column: number } | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) {
      // For a map key, point at the key rather than its value.
      const pos = lc.linePos(keyStart(doc, path.slice(0, n)) ?? node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return undefined;
}

function keyStart(doc: Document, path: readonly PropertyKey[]): number | undefined {
  if (path.length === 0) return undefined;
  const parent = doc.getIn(path.slice(0, -1) as unknown[], true) as { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | undefined;
  const key = path[path.length - 1];
  const pair = parent?.items?.find((p) => p.key?.value === key);
  return pair?.key?.range?.[0];
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function expandEnv(v: unknown, env: NodeJS.ProcessEnv, path: PropertyKey[], missing: (p: PropertyKey[], name: string) => void): unknown {
  if (typeof v === 'string') {
    return v.replace(ENV_REF, (_, name: string) => {
      const value = env[name];
      if (value === undefined) { missing(path, name); return ''; }
      return value;
    });
  }
  if (Array.isArray(v)) return v.map((x, i) => expandEnv(x, env, [...path, i], missing));
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expandEnv(x, env, [...path, k], missing)]));
  }
  return v;
}
