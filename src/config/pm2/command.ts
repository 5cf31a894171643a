// What PM2 would run for an app, resolved the way PM2 resolves it (lib/Common.js), so the bulwark
// app runs the same program: a script with spaces is a command line (PM2: bash -c), a script that
// is no file in cwd is looked up on PATH, the interpreter comes from the extension, else node for
// text files and none for binaries.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { findOnPath } from '../../common/path-lookup.js';

export interface Pm2Command {
  /** The script, or a program (absolute when found on PATH). */
  script: string;
  /** undefined = bulwark's own choice by extension is the same as PM2's. */
  interpreter?: string;
  /** Replaces `args` (a command line split into words). */
  args?: string[];
  /** What happened that the user should hear about. */
  note?: string;
}

// lib/API/interpreter.json; .ts is left to bulwark (node with the app's tsx), see docs/pm2.md.
const PM2_BY_EXTENSION: Record<string, string> = { '.sh': 'bash', '.py': 'python', '.rb': 'ruby', '.php': 'php', '.pl': 'perl', '.js': 'node', '.coffee': 'coffee', '.ls': 'lsc' };
/** What bulwark picks by itself (src/supervisor/spawn-command.ts): no need to write these down. */
const BULWARK_BY_EXTENSION: Record<string, string> = { '.js': 'node', '.mjs': 'node', '.cjs': 'node', '.py': 'python3', '.sh': 'bash', '.rb': 'ruby', '.php': 'php' };
const TYPESCRIPT = new Set(['.ts', '.tsx', '.mts', '.cts']);
/** Words only: a command line without quoting, expansion, redirection or control operators. */
const PLAIN_WORDS = /^[\w@%+=:,./-]+(\s+[\w@%+=:,./-]+)*$/;

export function pm2Command(script: string, interpreter: string | undefined, cwd: string, env: NodeJS.ProcessEnv): Pm2Command {
  if (/\s/.test(script.trim())) {
    const line = script.trim();
    if (PLAIN_WORDS.test(line)) {
      const [first, ...rest] = line.split(/\s+/) as [string, ...string[]];
      return { script: locate(first, cwd, env) ?? first, interpreter: 'none', args: rest,
        note: `script "${line}" is a command line: PM2 runs it with bash -c; bulwark runs the same words without a shell` };
    }
    return { script: locate('bash', cwd, env) ?? 'bash', interpreter: 'none', args: ['-c', line],
      note: `script "${line}" uses shell syntax: it runs with bash -c, exactly as PM2 runs it` };
  }
  const path = locate(script, cwd, env);
  if (interpreter !== undefined) return { script: path ?? script, interpreter };
  if (path === undefined) return { script }; // missing: reported by validation or at start
  const ext = extname(path);
  if (TYPESCRIPT.has(ext)) return { script: path };
  const byPm2 = PM2_BY_EXTENSION[ext] ?? (isBinary(path) ? 'none' : 'node');
  const chosen = byPm2 === 'python' && !findOnPath('python', env) ? 'python3' : byPm2;
  return { script: path, ...(BULWARK_BY_EXTENSION[ext] === chosen ? {} : { interpreter: chosen }) };
}

/** PM2: the file in cwd, else the program on PATH. */
function locate(script: string, cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  const inCwd = resolve(cwd, script);
  if (existsSync(inCwd)) return inCwd;
  return script.includes('/') ? undefined : findOnPath(script, env);
}

/** A NUL byte in the first 512 bytes: an ELF (or other) binary, which PM2 execs directly. */
function isBinary(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(512);
    const n = readSync(fd, buf, 0, 512, 0);
    return buf.subarray(0, n).includes(0);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
