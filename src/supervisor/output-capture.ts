// One captured stream (stdout or stderr) of one app: chunk -> whole lines (the shared splitter)
// -> capture file, one write per run of complete lines (per line when each gets a timestamp). A
// partial line waits for its newline; a line longer than MAX_LINE_BYTES is cut with the shared
// marker, so memory per stream stays bounded. The log pipeline reads the capture file (tail).
import { LineSplitter, TRUNCATION_MARKER } from '../common/line-splitter.js';
import type { LineSink } from './capture-writers.js';

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
