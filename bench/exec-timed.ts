// One command run by a bench, timed on the wall clock; it never rejects (a failure is a code).
import { execFile } from 'node:child_process';

export interface TimedRun { code: number | null; stdout: string; stderr: string; ms: number }

export function execTimed(cmd: string, argv: string[], env: NodeJS.ProcessEnv, timeoutMs: number, maxBuffer: number): Promise<TimedRun> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(cmd, argv, { env, timeout: timeoutMs, maxBuffer, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/** The first line of a command's output, for a note. */
export function firstLine(s: string): string { return s.trim().split('\n')[0] ?? ''; }
