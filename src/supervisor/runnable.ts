// What `start` would trip over at spawn time, found before anything starts: a cwd that is not a
// directory, a script that does not exist (or is not executable when nothing interprets it), an
// interpreter or `cmd[0]` that is not on PATH. spawnCommandFor itself decides what is exec'd (and
// refuses what cannot run), so these checks cannot drift from what really runs.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { findOnPath, isExecutable } from '../common/path-lookup.js';
import type { AppConfig } from '../config/schema/index.js';
import { spawnCommandFor, SpawnCommandError } from './spawn-command.js';

/** A problem at a path inside one app (the config loader locates it in the file). */
export interface RunnableProblem {
  /** Path inside the app, e.g. ['script'] or ['cmd', 0]. */
  path: (string | number)[];
  message: string;
  hint: string;
}

/** Problems that would stop this (validated, cwd-resolved) app from being spawned; PATH as the app will see it. */
export function runnableProblems(app: AppConfig, callerEnv: NodeJS.ProcessEnv = process.env): RunnableProblem[] {
  const env = { ...callerEnv, ...app.env };
  const cwd = resolve(app.cwd ?? process.cwd());
  if (!isDirectory(cwd)) {
    return [{ path: ['cwd'], message: `${cwd} is not a directory`, hint: 'a relative cwd starts at the config file\'s directory; create it or fix the path' }];
  }
  let cmd;
  try {
    cmd = spawnCommandFor(app, env);
  } catch (err) {
    if (!(err instanceof SpawnCommandError)) throw err;
    return [{ path: [err.code === 'ENOINTERPRETER' && app.interpreter !== undefined ? 'interpreter' : 'script'], message: err.message, hint: err.hint }];
  }
  if (app.cmd !== undefined) {
    const file = cmd.file;
    if (file.includes('/') ? isExecutable(resolve(cwd, file)) : findOnPath(file, env) !== undefined) return [];
    if (!file.includes('/')) return [{ path: ['cmd', 0], message: `"${file}" is not on PATH`, hint: `install it, or write its absolute path; PATH is ${env.PATH ?? '(not set)'}` }];
    const full = resolve(cwd, file);
    return [isFile(full)
      ? { path: ['cmd', 0], message: `${full} is not executable`, hint: `chmod +x ${full}, or run it through its interpreter: cmd: [bash, ${file}]` }
      : { path: ['cmd', 0], message: `${full} does not exist`, hint: `a relative path is looked up in the app's cwd (${cwd})` }];
  }
  // A script handed to an interpreter must be there (the interpreter would fail on it at every restart).
  const script = cmd.args.find((a) => a === resolve(cwd, app.script!) || a === app.script);
  if (cmd.file !== script && script !== undefined && !isFile(resolve(cwd, script))) {
    return [{ path: ['script'], message: `${resolve(cwd, script)} does not exist`, hint: `a relative script is looked up in the app's cwd (${cwd})` }];
  }
  return [];
}

/**
 * runnableProblems for the apps of one file: apps alike in what is looked up (cwd, program, PATH)
 * are checked once, so a thousand `sleep` apps cost one PATH search, not a thousand.
 */
export function runnableChecker(callerEnv: NodeJS.ProcessEnv = process.env): (app: AppConfig) => RunnableProblem[] {
  const seen = new Map<string, RunnableProblem[]>();
  return (app) => {
    const key = JSON.stringify([app.cwd, app.cmd?.[0], app.script, app.interpreter, app.interpreterArgs, app.args, app.env?.PATH ?? callerEnv.PATH]);
    let problems = seen.get(key);
    if (problems === undefined) seen.set(key, problems = runnableProblems(app, callerEnv));
    return problems.map((p) => ({ ...p, path: [...p.path] }));
  };
}

function isDirectory(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}

function isFile(p: string): boolean {
  try { return statSync(p).isFile(); } catch { return false; }
}
