// What to exec for an app, never through a shell: `cmd` is an argv; a `script` runs under its
// `interpreter`, or by its extension like PM2 (.js/.mjs/.cjs node, .ts node with the app's tsx,
// .py python3, .sh bash, .rb ruby, .php php); any other script must be executable itself.
// A script that is not a file in cwd and has no slash is looked up on PATH (`script: npm`).
// Problems are SpawnCommandErrors with a hint: they are the config's fault, so retrying is useless.
import { existsSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findOnPath, isExecutable } from '../common/path-lookup.js';
import type { AppConfig } from '../config/schema/index.js';

export interface SpawnCommand {
  file: string;
  args: string[];
  cwd: string;
  /** Defaults the interpreter wants (PYTHONUNBUFFERED=1); the app's own env wins. */
  env: Record<string, string>;
}

export class SpawnCommandError extends Error {
  constructor(readonly code: 'ENOSCRIPT' | 'ENOTEXEC' | 'ENOINTERPRETER' | 'ENOTSX', message: string, readonly hint: string) {
    super(message);
  }
}

const BY_EXTENSION: Record<string, string> = {
  '.js': 'node', '.mjs': 'node', '.cjs': 'node', '.py': 'python3', '.sh': 'bash', '.rb': 'ruby', '.php': 'php',
};
const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);

export function spawnCommandFor(app: AppConfig, env: NodeJS.ProcessEnv = process.env): SpawnCommand {
  const cwd = resolve(app.cwd ?? process.cwd());
  if (app.cmd !== undefined) return { file: app.cmd[0]!, args: [...app.cmd.slice(1), ...app.args], cwd, env: {} };
  const script = resolveScript(app.script!, cwd, env);
  const interpreter = app.interpreter ?? BY_EXTENSION[extname(script)];
  if (interpreter === 'none' || (interpreter === undefined && !TYPESCRIPT.has(extname(script)))) {
    if (!isExecutable(script)) {
      throw new SpawnCommandError('ENOTEXEC', `${script} is not executable and has no known extension`,
        `chmod +x ${script}, or set interpreter: (e.g. interpreter: node); bulwark runs .js .mjs .cjs .ts .py .sh .rb .php by extension`);
    }
    return { file: script, args: app.args, cwd, env: {} };
  }
  if (interpreter === undefined) return typescript(app, script, cwd);
  const file = interpreterPath(interpreter, cwd, env);
  return { file, args: [...app.interpreterArgs, script, ...app.args], cwd, env: /python/.test(interpreter) ? { PYTHONUNBUFFERED: '1' } : {} };
}

/** Relative to cwd, so "run.sh" is the file in cwd; a bare name that is no file there is a PATH lookup. */
function resolveScript(script: string, cwd: string, env: NodeJS.ProcessEnv): string {
  const inCwd = isAbsolute(script) ? script : resolve(cwd, script);
  if (existsSync(inCwd) || script.includes('/')) return inCwd;
  const onPath = findOnPath(script, env);
  if (onPath) return onPath;
  throw new SpawnCommandError('ENOSCRIPT', `script ${JSON.stringify(script)} is neither a file in ${cwd} nor a program on PATH`,
    'check the name and cwd, or give a path');
}

/** `node` is the daemon's own node; a name is looked up on PATH; a path (an nvm node) is kept. */
function interpreterPath(interpreter: string, cwd: string, env: NodeJS.ProcessEnv): string {
  if (interpreter === 'node') return process.execPath;
  if (interpreter.includes('/')) {
    const path = resolve(cwd, interpreter);
    if (isExecutable(path)) return path;
    throw new SpawnCommandError('ENOINTERPRETER', `interpreter ${path} does not exist or is not executable`, 'fix the path (e.g. `which node` in the shell you use)');
  }
  const found = findOnPath(interpreter, env);
  if (found) return found;
  throw new SpawnCommandError('ENOINTERPRETER', `interpreter ${JSON.stringify(interpreter)} is not on PATH`, `install ${interpreter}, or give its full path in interpreter:`);
}

/** TypeScript runs under node with the tsx installed in the app (node_modules above the script or cwd). */
function typescript(app: AppConfig, script: string, cwd: string): SpawnCommand {
  const loader = findTsx(dirname(script)) ?? findTsx(cwd);
  if (loader === undefined) {
    throw new SpawnCommandError('ENOTSX', `${script} is TypeScript and tsx is not installed in the app`,
      'npm install --save-dev tsx in the app, or set interpreter: (e.g. bun, or ts-node)');
  }
  return { file: process.execPath, args: ['--import', pathToFileURL(loader).href, ...app.interpreterArgs, script, ...app.args], cwd, env: {} };
}

function findTsx(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const loader = join(dir, 'node_modules', 'tsx', 'dist', 'loader.mjs');
    if (existsSync(loader)) return loader;
    if (dirname(dir) === dir) return undefined;
  }
}
