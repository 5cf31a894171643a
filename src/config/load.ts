// Load bulwark.yml / .json (or a PM2 ecosystem file), expand ${ENV}, validate, and locate every error.
import { accessSync, constants, readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { configSchema, type AppConfig, type BulwarkConfig } from './schema/index.js';
import { appSchema } from './schema/apps.js';
import { ConfigError, formatPath, type ConfigIssue } from './errors.js';
import { describeIssue, unwrapUnion } from './hints.js';
import { isConfigFileName, isPm2Document } from './pm2/detect.js';
import { parseDataFile } from './pm2/read.js';

export interface LoadedConfig {
  file: string;
  config: BulwarkConfig;
  /** Non-fatal notes (e.g. PM2 keys that have no bulwark equivalent). */
  warnings: string[];
  /** A PM2 file carries only apps; a bulwark file also owns security, forward and alerts. */
  kind?: 'pm2' | 'bulwark';
  /**
   * What the file wrote itself, as opposed to defaults: top-level sections, and `alerts.<key>` per
   * alerts key (the daemon's ownership of sections across files goes by this). Always set by loadConfigFile.
   */
  declared?: string[];
}

/** Checks beyond the schema, injected by the caller (config never reaches into the supervisor). */
export interface ValidateOptions {
  /** Problems that would stop one valid app from being spawned (`start` and `config check` pass the supervisor's). */
  checkApp?: (app: AppConfig) => { path: (string | number)[]; message: string; hint?: string }[];
  /** false: leave `${VAR}` as written (a PM2 file's values: PM2 does not expand them). */
  expandEnv?: boolean;
}

export interface LoadOptions extends ValidateOptions {
  /** `--env NAME`: envs.NAME (PM2: env_NAME) is merged over each app's env. */
  envName?: string | undefined;
  /** Where relative paths of a PM2 file resolve from, as in PM2: the caller's cwd. */
  cwd?: string | undefined;
}

/** Reads and validates a config file; throws ConfigError listing every problem. */
export async function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): Promise<LoadedConfig> {
  const file = resolve(path);
  if (!isConfigFileName(file)) throw notAConfig(file);
  if (/\.[cm]?js$/.test(file)) {
    const { loadPm2Ecosystem } = await import('./pm2.js');
    return pm2Loaded(await loadPm2Ecosystem(file, env, opts), opts);
  }
  const text = readText(file);
  // A .json file may be PM2's JS object literal, which YAML cannot read; YAML is parsed once (a
  // thousand apps take a while), and a PM2 document is recognised in the result.
  const json = extname(file) === '.json';
  const pm2Doc = json ? pm2Document(file, text) : undefined;
  const parsed = pm2Doc === undefined ? readDocument(text, file) : undefined;
  const pm2Raw = pm2Doc ?? (!json && isPm2Document(parsed!.raw) ? parsed!.raw : undefined);
  if (pm2Raw !== undefined) {
    const { loadPm2Document } = await import('./pm2.js');
    return pm2Loaded(loadPm2Document(pm2Raw, file, env, opts), opts);
  }
  const { raw, locate } = parsed!;
  const config = validateConfig(raw, file, env, locate, opts);
  return { file, config, warnings: [...deprecations(config, file), ...selectEnv(config, opts.envName)], kind: 'bulwark', declared: declaredOf(raw) };
}

/** A PM2 file declares only apps; they get the same spawn checks as a bulwark file's. */
function pm2Loaded(loaded: LoadedConfig, opts: ValidateOptions): LoadedConfig {
  const check = opts.checkApp;
  const issues = check === undefined ? [] : loaded.config.apps.flatMap((app, i) => appIssues(app, i, loaded.file, check, () => undefined));
  if (issues.length > 0) throw new ConfigError(issues);
  return { ...loaded, kind: 'pm2', declared: ['apps'] };
}

/**
 * What a file is to `start`, `config check` and `import pm2` (one rule for the three): a script to
 * run (not a config file name), a PM2 process file (a JS config, or YAML/JSON in PM2's shape, see
 * ./pm2/detect.ts), or a bulwark config.
 */
export function configFileKind(path: string): 'script' | 'pm2' | 'bulwark' {
  const file = resolve(path);
  if (!isConfigFileName(file)) return 'script';
  if (/\.[cm]?js$/.test(file)) return 'pm2';
  return pm2Document(file, readText(file)) !== undefined ? 'pm2' : 'bulwark';
}

export function notAConfig(file: string): ConfigError {
  return new ConfigError([{ file, path: '', message: 'not a config file: a script to run',
    hint: `\`bulwark start ${file}\` runs it; config files are .yml, .yaml, .json, *.config.js|cjs|mjs and ecosystem*.js (as PM2 reads them)` }]);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, path: '', message: `cannot read: ${(err as Error).message}`, hint: 'check the path and permissions' }]);
  }
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

function declaredOf(raw: unknown): string[] {
  const doc = raw as Record<string, unknown>;
  return Object.keys(doc).flatMap((k) => {
    const alerts = doc[k];
    return k === 'alerts' && alerts && typeof alerts === 'object' ? Object.keys(alerts).map((a) => `alerts.${a}`) : [k];
  });
}

/** Keys that still load but no longer do anything. */
function deprecations(config: BulwarkConfig, file: string): string[] {
  return config.apps.flatMap((a, i) => a.restart.window === undefined ? [] : [
    `${file}: apps[${i}].restart.window is ignored: maxRestarts now counts failed starts in a row (runs shorter than restart.minUptime), as PM2 does; remove it`,
  ]);
}

/** Parses YAML (JSON is YAML) text and validates it. */
export function parseConfigText(text: string, file: string, env: NodeJS.ProcessEnv = process.env, opts: ValidateOptions = {}): BulwarkConfig {
  const { raw, locate } = readDocument(text, file);
  return validateConfig(raw, file, env, locate, opts);
}

type Locate = (path: readonly PropertyKey[]) => { line: number; column: number } | undefined;

/** The YAML (or JSON) document as plain data, and where each path of it is; syntax errors and an empty file throw. */
function readDocument(text: string, file: string): { raw: unknown; locate: Locate } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return { file, path: '', line: pos.line, column: pos.col, message: e.message.split('\n')[0]!, hint: 'fix the YAML syntax (indentation uses spaces; quote strings containing ": ")' };
    }));
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (err) {
    // A document that parses but cannot be built (an alias to a missing anchor, `*x`): still the user's YAML.
    throw new ConfigError([{ file, path: '', message: (err as Error).message.split('\n')[0]!, hint: 'fix the YAML: every *alias needs an &anchor before it' }]);
  }
  if (raw === null || raw === undefined) {
    throw new ConfigError([{ file, path: '', message: 'the file is empty', hint: 'a config declares at least one of apps, security, forward or alerts (see examples/bulwark.yml)' }]);
  }
  return { raw, locate: (p) => locate(doc, lineCounter, p) };
}

/**
 * Validates an already-parsed object (also used for PM2 files and `start script`). `${VAR}` is
 * expanded from env unless `opts.expandEnv` is false: PM2 passes its values through untouched, so a
 * PM2 file's values are not expanded (its JS can read process.env itself).
 */
export function validateConfig(
  raw: unknown, file: string, env: NodeJS.ProcessEnv,
  locateFn: (path: readonly PropertyKey[]) => { line: number; column: number } | undefined = () => undefined,
  opts: ValidateOptions = {},
): BulwarkConfig {
  const issues: ConfigIssue[] = [];
  const expanded = opts.expandEnv === false ? raw : expandEnv(raw, env, [], (path, name) => issues.push({
    file, path: formatPath(path), ...locateFn(path), message: `environment variable ${name} is not set`,
    hint: `export ${name}=... before starting bulwark (secrets are read only from the environment)`,
  }));
  if (expanded === null || typeof expanded !== 'object' || Array.isArray(expanded)) {
    throw new ConfigError([{ file, path: '', message: `expected a map of sections, got ${Array.isArray(expanded) ? 'a list' : JSON.stringify(expanded)}`, hint: 'start the file with `apps:` (or security, forward, alerts)' }]);
  }
  const result = configSchema.safeParse(expanded, { reportInput: true });
  if (!result.success) issues.push(...result.error.issues.flatMap(unwrapUnion).map((i) => toIssue(i, file, locateFn)));
  const base = dirname(file);
  if (opts.checkApp !== undefined) {
    // Every valid app is checked even when another part of the file is wrong: all errors in one run.
    const apps = result.success ? result.data.apps.map((a, i): [AppConfig, number] => [a, i]) : validApps((expanded as { apps?: unknown }).apps);
    apps.forEach(([app, i]) => { app.cwd = resolve(base, app.cwd ?? '.'); issues.push(...appIssues(app, i, file, opts.checkApp!, locateFn)); });
  }
  const tls = result.success ? result.data.http?.tls : undefined;
  if (tls !== undefined) {
    // Relative to the file, like cwd; read now so `config check` finds what the daemon would refuse.
    tls.cert = resolve(base, tls.cert);
    tls.key = resolve(base, tls.key);
    for (const part of ['cert', 'key'] as const) {
      try { accessSync(tls[part], constants.R_OK); } catch (err) {
        const path = ['http', 'tls', part];
        issues.push({ file, path: formatPath(path), ...locateFn(path), message: `cannot read ${tls[part]}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, hint: 'a PEM file the daemon can read' });
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  const config = result.data!;
  for (const app of config.apps) app.cwd = resolve(base, app.cwd ?? '.');
  return config;
}

/** The apps of an invalid file that can still be checked: each alone, else only its keys that say what runs. */
function validApps(raw: unknown): [AppConfig, number][] {
  if (!Array.isArray(raw)) return [];
  const runKeys = ['script', 'cmd', 'args', 'cwd', 'env', 'interpreter'].filter((k) => k in appSchema.shape);
  return raw.flatMap((a: unknown, i) => {
    if (!a || typeof a !== 'object') return [];
    const whole = appSchema.safeParse(a);
    const r = whole.success ? whole : appSchema.safeParse({ name: 'app', ...Object.fromEntries(Object.entries(a).filter(([k]) => runKeys.includes(k))) });
    return r.success ? [[r.data, i] as [AppConfig, number]] : [];
  });
}

function appIssues(app: AppConfig, i: number, file: string, check: NonNullable<ValidateOptions['checkApp']>, locateFn: (p: readonly PropertyKey[]) => { line: number; column: number } | undefined): ConfigIssue[] {
  return check(app).map((p) => {
    const path = ['apps', i, ...p.path];
    return { file, path: formatPath(path), ...locateFn(path), message: p.message, ...(p.hint !== undefined ? { hint: p.hint } : {}) };
  });
}

function toIssue(i: z.core.$ZodIssue, file: string, locateFn: (p: readonly PropertyKey[]) => { line: number; column: number } | undefined): ConfigIssue {
  // Point at the first unknown key itself, so the line number is the offending one.
  const path = i.code === 'unrecognized_keys' ? [...i.path, i.keys[0]!] : i.path;
  const { message, hint } = describeIssue(i, path, configSchema);
  return { file, path: formatPath(path), ...(locateFn(path) ?? locateFn(i.path)), message, ...(hint !== undefined ? { hint } : {}) };
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

/** `${NAME}`; `$${NAME}` is the escape for a literal `${NAME}` (as in docker compose). */
const ENV_REF = /\$?\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function expandEnv(v: unknown, env: NodeJS.ProcessEnv, path: PropertyKey[], missing: (p: PropertyKey[], name: string) => void): unknown {
  if (typeof v === 'string') {
    return v.replace(ENV_REF, (ref: string, name: string) => {
      if (ref.startsWith('$$')) return ref.slice(1);
      const value = env[name];
      if (value === undefined) { missing(path, name); return ''; }
      return value;
    });
  }
  // A path is built only for what may hold a reference: most values of a thousand apps hold none.
  const child = (x: unknown, key: PropertyKey): unknown => (typeof x === 'string' ? !x.includes('${') : (x === null || typeof x !== 'object'))
    ? x : expandEnv(x, env, [...path, key], missing);
  if (Array.isArray(v)) return v.map((x, i) => child(x, i));
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, child(x, k)]));
  }
  return v;
}
