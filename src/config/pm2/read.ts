// Reading a PM2 file as PM2 does: JS modules are the user's own code and are run (require, or
// import for ESM); .json may be a JS object literal with comments (PM2 evaluates it); .yml is YAML.
// While a JS file runs, a canary variable sits in process.env, so a file that spreads
// `...process.env` into an app's env can be recognised and the caller's variables kept off disk.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.js';

/** Present in process.env only while an ecosystem file runs. */
export const ENV_CANARY = '__BULWARK_ECOSYSTEM_ENV_PROBE__';

export async function readEcosystem(file: string): Promise<unknown> {
  const ext = extname(file);
  if (ext === '.json' || ext === '.yml' || ext === '.yaml') return parseDataFile(file, readText(file));
  process.env[ENV_CANARY] = '1';
  try {
    return await loadModule(file);
  } finally {
    delete process.env[ENV_CANARY];
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, path: '', message: `cannot read: ${(err as Error).message}`, hint: 'check the path and permissions' }]);
  }
}

/** JSON, then (like PM2) a JS object literal: comments and unquoted keys are common in pm2.json. */
export function parseDataFile(file: string, text: string): unknown {
  if (extname(file) !== '.json') return parseYaml(text) as unknown;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    try {
      // The file is the user's own; PM2 evaluates it the same way. A fresh context, no globals, 1 s.
      return runInNewContext(`(${text})`, Object.create(null), { timeout: 1000, displayErrors: false }) as unknown;
    } catch {
      throw new ConfigError([{ file, path: '', message: `invalid JSON: ${(err as Error).message}`, hint: 'an ecosystem .json file holds {"apps": [...]}, an array of apps, or one app' }]);
    }
  }
}

async function loadModule(file: string): Promise<unknown> {
  // require() handles CJS (and ESM on Node >= 20.19); import() covers ESM with top-level await.
  if (extname(file) !== '.mjs') {
    try {
      const req = createRequire(file);
      delete req.cache[file];
      return unwrapDefault(req(file));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A .cjs file is CommonJS by definition: ESM syntax in it is an error (for PM2 too).
      if (extname(file) === '.cjs' || code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw loadError(file, err);
    }
  }
  try {
    return unwrapDefault(await import(`${pathToFileURL(file).href}?v=${Date.now()}`));
  } catch (err) {
    throw loadError(file, err);
  }
}

/** `export default {apps}`, `export const apps = [...]` and `module.exports = {apps}` all mean the same. */
function unwrapDefault(mod: unknown): unknown {
  if (!mod || typeof mod !== 'object' || Array.isArray(mod) || 'apps' in mod) return mod;
  const m = mod as Record<string, unknown>;
  return 'default' in m ? m.default : mod;
}

function loadError(file: string, err: unknown): ConfigError {
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new ConfigError([{ file, path: '', message: `cannot load ecosystem file: ${message}`, hint: 'run `node <file>` to see the error; PM2 cannot load it either' }]);
}
