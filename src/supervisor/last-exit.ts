// An instance's last exit as `status` and `describe` show it: the exit record with its cause and
// how long the run lasted, and the stderr lines that explain a crash (or the spawn error when there
// was no run).
import { StderrTail, summarizeStderr, type ExitCause } from './exit-report.js';
import type { Run } from './run.js';
import type { ExitRecord } from './run-context.js';

/** The last exit with the stderr lines that explain it (crashes and failed spawns). */
export interface ExitReport extends ExitRecord {
  stderr?: string[];
}

export class LastExit {
  record: ExitRecord | null = null;
  /** The stderr of the run `record` belongs to, or the spawn error when there was no run. */
  private stderr: StderrTail | string | null = null;

  /** `run` ended (on its own or stopped) with `exit`, for `cause`. */
  ofRun(run: Run, exit: ExitRecord, cause: ExitCause): void {
    this.record = exitOf(run, exit, cause);
    this.stderr = run.stderr;
  }

  /** No run: the spawn failed for `why`. */
  spawnFailed(why: string): void {
    this.record = { code: null, signal: null, at: new Date().toISOString(), cause: 'spawn-failed', uptimeMs: 0 };
    this.stderr = why;
  }

  /** The last exit, its cause and the stderr lines that explain a crash (waits briefly for the pipe to drain). */
  async report(drainMs: number): Promise<ExitReport | null> {
    const tail = this.stderr;
    const deadline = Date.now() + drainMs;
    while (tail instanceof StderrTail && !tail.ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.reportNow();
  }

  reportNow(): ExitReport | null {
    const exit = this.record;
    if (exit === null) return null;
    const tail = this.stderr;
    if (exit.cause !== 'crash' && exit.cause !== 'exit' && exit.cause !== 'spawn-failed') return exit;
    const stderr = typeof tail === 'string' ? [tail] : tail === null ? [] : summarizeStderr(tail.lines());
    return stderr.length > 0 ? { ...exit, stderr } : exit;
  }
}

/** A run's exit with what ended it and how long the run lasted. */
function exitOf(run: Run, exit: ExitRecord, cause: ExitCause): ExitRecord {
  return { ...exit, cause, uptimeMs: Math.max(0, Date.parse(exit.at) - run.spawnedAt) };
}
