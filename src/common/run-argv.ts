// Runs a program the safe way, for every place bulwark runs an operator's command with data in it
// (the exec alert channel, the exec ban backend, nft): an argv without a shell, so nothing in the
// data can become a command; its own process group, so a timeout kills what it started too; stdin
// written once; a bounded piece of stderr kept for the error message.
import { spawn } from 'node:child_process';

export interface RunArgvOptions {
  /** Written to stdin, which is then closed (stdin is empty without it). */
  input?: string;
  env?: NodeJS.ProcessEnv;
  /** The process group gets SIGKILL after this long. */
  timeoutMs: number;
  /** Keep this much of stdout (default 0: ignored). */
  stdoutLimit?: number;
  /** Keep this much of stderr (default 500 characters). */
  stderrLimit?: number;
}

export interface RunArgvResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/**
 * Resolves when the program has exited (whatever its status); rejects only when it could not be
 * started (the error carries the spawn `code`, e.g. ENOENT).
 */
export function runArgv(argv: readonly [string, ...string[]], opts: RunArgvOptions): Promise<RunArgvResult> {
  const [file, ...args] = argv;
  const stdoutLimit = opts.stdoutLimit ?? 0;
  const stderrLimit = opts.stderrLimit ?? 500;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      shell: false,
      detached: true, // its own process group
      stdio: ['pipe', stdoutLimit > 0 ? 'pipe' : 'ignore', 'pipe'],
      env: opts.env ?? process.env,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.setEncoding('utf8').on('data', (s: string) => { if (stdout.length < stdoutLimit) stdout += s; });
    child.stderr!.setEncoding('utf8').on('data', (s: string) => { if (stderr.length < stderrLimit) stderr += s; });
    // A command that ignores stdin closes the pipe early: that is its business, not a failure.
    child.stdin!.on('error', () => {});
    child.stdin!.end(opts.input ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
    }, opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout: stdout.slice(0, stdoutLimit), stderr: stderr.slice(0, stderrLimit) });
    });
  });
}

/** "exited with code 3: <stderr>", "killed by SIGTERM", "timed out after 10000ms". */
export function describeExit(r: RunArgvResult, timeoutMs: number): string {
  if (r.timedOut) return `timed out after ${timeoutMs}ms`;
  const tail = r.stderr.trim();
  return `${r.signal ? `killed by ${r.signal}` : `exited with code ${r.code}`}${tail ? `: ${tail}` : ''}`;
}
