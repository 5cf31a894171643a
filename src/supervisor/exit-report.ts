// Why a run ended, in words an operator can act on: the cause (crash, clean exit, hang kill, ...)
// and the few stderr lines that explain a crash (the error message and where it was thrown, not
// Node's trailing `}` or version banner). A run keeps only the last bytes of its stderr, so this
// costs one array push per chunk, never a line split on the hot path.

/** What ended a run. `stop` covers user stop/restart, cron, watch and shutdown. */
export type ExitCause = 'crash' | 'exit' | 'hang' | 'cpu' | 'memory' | 'stop' | 'spawn-failed';

const TAIL_BYTES = 16 * 1024;
const MAX_SUMMARY_LINES = 4;
const MAX_LINE_CHARS = 300;

/** The last TAIL_BYTES of one run's stderr. */
export class StderrTail {
  private chunks: Buffer[] = [];
  private bytes = 0;
  /** The pipe reached its end: every line the run wrote is here. */
  ended = false;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.chunks.length > 1 && this.bytes - this.chunks[0]!.length >= TAIL_BYTES) this.bytes -= this.chunks.shift()!.length;
  }

  lines(): string[] {
    let text = Buffer.concat(this.chunks, this.bytes).toString('utf8');
    if (this.bytes > TAIL_BYTES) text = text.slice(text.indexOf('\n') + 1); // the first line is cut
    return text.split(/\r?\n/);
  }
}

// "Error: boom", "TypeError [ERR_X]: ...", "Uncaught RangeError: ...", Python's "ValueError: bad",
// "KeyboardInterrupt", Java's "Exception in thread ...", Go's "panic: ...".
const ERROR_LINE = /^(?:Uncaught )?(?:[A-Za-z_$][\w$.]*)?(?:Error|Exception|Interrupt|Exit)\b(?: \[[\w.-]+\])?(?::|$)|^Exception in thread |^panic: |^fatal error: |^FATAL ERROR: /;
const NODE_FRAME = /^\s+at /;
const NODE_INTERNAL_FRAME = /^\s+at (?:.* \()?node:/;
/** Node's own header above an uncaught error: "/srv/app/server.js:12". */
const NODE_LOCATION = /^(?:\/|file:|\[eval\]|[A-Za-z]:\\)\S*:\d+$/;
const PYTHON_FRAME = /^\s+File "/;
/** Lines that say nothing: punctuation left by an error's properties, Node's banner, a caret. */
const NOISE = /^\s*[{}[\]^(),]*\s*$|^Node\.js v\d|^\s+\w+: .*,?$|^\s*\.\.\. \d+ more/;

/** The meaningful lines of a crash's stderr: the last error message and its first frame. */
export function summarizeStderr(lines: readonly string[]): string[] {
  const useful = lines.filter((l) => l.trim() !== '');
  for (let i = useful.length - 1; i >= 0; i--) {
    const line = useful[i]!;
    if (!ERROR_LINE.test(line)) continue;
    const out = [line];
    const next = useful[i + 1];
    const above = useful.slice(Math.max(0, i - 4), i).reverse();
    if (next !== undefined && NODE_FRAME.test(next) && !NODE_INTERNAL_FRAME.test(next)) {
      out.push(next); // where it was thrown
    } else {
      // A SyntaxError's frames are all Node's own: its location is the header above the message.
      const where = above.find((l) => NODE_LOCATION.test(l));
      if (where !== undefined) out.push(`    at ${where}`);
    }
    // Python prints the frame (and its source line) above the message.
    const frame = above.find((l) => PYTHON_FRAME.test(l));
    if (frame !== undefined) out.unshift(frame);
    return out.map(clip);
  }
  return useful.filter((l) => !NOISE.test(l)).slice(-MAX_SUMMARY_LINES).map(clip);
}

function clip(line: string): string {
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
}

/** "code 1" / "signal SIGSEGV". */
export function describeExit(e: { code: number | null; signal: string | null }): string {
  return e.signal !== null ? `signal ${e.signal}` : `code ${e.code}`;
}
