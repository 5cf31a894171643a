// One captured stream (stdout or stderr) of one instance: chunk -> whole lines (the shared
// splitter) -> capture file, one write per run of complete lines (per line when each gets a
// timestamp). A partial line waits for its newline; a line longer than MAX_LINE_BYTES is cut with
// the shared marker, so memory per stream stays bounded. The log pipeline reads the capture file
// (tail). captureOutput wires a child's two pipes to them and to the stderr tail.
import type { ChildProcess } from 'node:child_process';
import { compileDateFormat, PM2_TIME_FORMAT } from '../common/date-format.js';
import { LineSplitter, TRUNCATION_MARKER } from '../common/line-splitter.js';
import type { LineSink } from './capture-writers.js';
import type { StderrTail } from './exit-report.js';

/** Where one instance's output goes. */
export interface CaptureFiles {
  out: LineSink;
  err: LineSink;
}

export interface CaptureOptions {
  /** The instance's capture files, or why they cannot be opened. */
  files: CaptureFiles | string;
  /** logs.timestamps: prefix each written line with the time it was read. */
  timestamps: boolean | string;
  /** Keeps the last stderr bytes to explain a crash. */
  stderrTail: StderrTail;
  /** Any output arrived (the silence probe). */
  touched(): void;
  problem(message: string): void;
}

/** Wires a child's stdout and stderr to its capture files and the stderr tail. */
export function captureOutput(child: ChildProcess, o: CaptureOptions): void {
  const stdout = child.stdout!;
  const stderr = child.stderr!;
  // 'end' comes once: on() spares once()'s wrapper objects (~150 bytes a listener, per app).
  stderr.on('data', (chunk: Buffer) => o.stderrTail.push(chunk));
  stderr.on('end', () => { o.stderrTail.ended = true; });
  const files = o.files;
  if (typeof files === 'string') {
    // Without a capture file the pipes must still drain, or the app blocks on a full pipe.
    o.problem(files);
    stdout.on('data', () => o.touched());
    stderr.on('data', () => o.touched());
    return;
  }
  // Each stream's capture is made at its first chunk: most of a thousand apps print little or nothing.
  let out: OutputCapture | null = null;
  let err: OutputCapture | null = null;
  // A full disk (or a throwing line consumer) must not take the daemon down: note it once per message.
  let lastProblem = '';
  const guarded = (stream: 'out' | 'err', chunk: Buffer | null): void => {
    try {
      const cap = stream === 'out' ? out ??= new OutputCapture(files.out, timestamper(o.timestamps)) : err ??= new OutputCapture(files.err, timestamper(o.timestamps));
      if (chunk === null) cap.end();
      else cap.push(chunk);
    } catch (e) {
      const msg = `output capture: ${(e as Error).message}`;
      if (msg !== lastProblem) o.problem(msg);
      lastProblem = msg;
    }
    o.touched();
  };
  stdout.on('data', (chunk: Buffer) => guarded('out', chunk));
  stderr.on('data', (chunk: Buffer) => guarded('err', chunk));
  stdout.on('end', () => { if (out !== null) guarded('out', null); else o.touched(); });
  stderr.on('end', () => { if (err !== null) guarded('err', null); else o.touched(); });
}

function timestamper(setting: boolean | string): (() => string) | undefined {
  if (setting === false) return undefined;
  const format = compileDateFormat(setting === true ? PM2_TIME_FORMAT : setting);
  return () => format(new Date());
}

const MARKED_END = Buffer.from(`${TRUNCATION_MARKER}\n`);
const NL = Buffer.from('\n');

export class OutputCapture {
  private readonly splitter = new LineSplitter();
  /** Complete lines of the current chunk not yet written: chunk[runStart, runEnd) ends in LF. */
  private chunk: Buffer | null = null;
  private runStart = 0;
  private runEnd = 0;
  /** The lines of the current chunk, with their timestamps (stamped captures only). */
  private stamped: Buffer[] = [];
  private readonly sink = (buf: Buffer, start: number, end: number, cut: boolean): void => {
    if (this.stamp !== undefined) {
      this.stamped.push(Buffer.from(`${this.stamp()}: `), buf.subarray(start, end), cut ? MARKED_END : NL);
      if (buf !== this.chunk) this.writeStamped(); // a held line: its bytes are not the chunk's
      return;
    }
    if (buf === this.chunk && !cut) {
      if (start !== this.runEnd) { this.writeRun(); this.runStart = start; }
      this.runEnd = end + 1; // through the LF that follows the line in the chunk
      return;
    }
    this.writeRun();
    // One write: the file rotates only between writes, and a line must not span two files.
    const line = Buffer.concat([buf.subarray(start, end), cut ? MARKED_END : NL]);
    this.file.write(line, 0, line.length);
  };

  constructor(
    private readonly file: LineSink,
    /** When set, each line in the capture file starts with `<stamp()>: ` (PM2's log_date_format / time). */
    private readonly stamp?: () => string,
  ) {}

  push(chunk: Buffer): void {
    this.chunk = chunk;
    this.runStart = this.runEnd = 0;
    try {
      this.splitter.push(chunk, chunk.length, this.sink);
      this.writeRun();
      this.writeStamped();
    } finally {
      this.chunk = null;
    }
  }

  /** The stream ended: a last line without its newline still counts. */
  end(): void {
    this.splitter.flush(this.sink);
    this.writeStamped();
  }

  /** Lines cut because they were longer than MAX_LINE_BYTES. */
  get truncated(): number {
    return this.splitter.truncated;
  }

  private writeRun(): void {
    if (this.runEnd > this.runStart && this.chunk) this.file.write(this.chunk, this.runStart, this.runEnd);
    this.runStart = this.runEnd;
  }

  /** The stamped lines so far, one write (copied now: the chunk is the caller's read buffer). */
  private writeStamped(): void {
    if (this.stamped.length === 0) return;
    const out = Buffer.concat(this.stamped);
    this.stamped = [];
    this.file.write(out, 0, out.length);
  }
}
