// Splits read chunks into lines: holds an unfinished last line until its newline arrives,
// strips a CR before LF, and cuts lines longer than maxLine bytes (marking and counting them).
// Hot path: one indexOf per line and one toString per line; a copy only for the held partial.

/** Appended to the kept head of a line that was longer than maxLine bytes. */
export const TRUNCATION_MARKER = ' …[bulwark: line truncated]';

export const DEFAULT_MAX_LINE = 64 * 1024;

export class LineSplitter {
  private partial: Buffer | null = null;
  /** Inside an over-long line whose head was already emitted: drop bytes until its newline. */
  private skipping = false;
  /** Lines cut because they exceeded maxLine. */
  truncated = 0;

  constructor(private readonly maxLine: number = DEFAULT_MAX_LINE) {}

  /** Bytes read but not yet part of an emitted line (they are read again after a restart). */
  get pendingBytes(): number {
    return this.partial === null ? 0 : this.partial.length;
  }

  /** Splits bytes [0, end) of chunk, appending complete lines to out. */
  push(chunk: Buffer, end: number, out: string[]): void {
    let start = 0;
    while (start < end) {
      let nl = chunk.indexOf(10, start);
      if (nl >= end) nl = -1;
      if (nl === -1) {
        if (!this.skipping) this.hold(chunk, start, end, out);
        return;
      }
      if (this.skipping) {
        this.skipping = false;
      } else if (this.partial !== null) {
        const line = Buffer.concat([this.partial, chunk.subarray(start, nl)]);
        this.partial = null;
        this.emit(line, 0, line.length, out);
      } else {
        this.emit(chunk, start, nl, out);
      }
      start = nl + 1;
    }
  }

  /** Emits a held partial line as a line of its own (the file is finished and will not grow). */
  flush(out: string[]): void {
    if (this.partial !== null && this.partial.length > 0) this.emit(this.partial, 0, this.partial.length, out);
    this.partial = null;
    this.skipping = false;
  }

  reset(): void {
    this.partial = null;
    this.skipping = false;
  }

  private hold(chunk: Buffer, start: number, end: number, out: string[]): void {
    const rest = chunk.subarray(start, end);
    // Copy: the read buffer is reused for the next chunk.
    this.partial = this.partial === null ? Buffer.from(rest) : Buffer.concat([this.partial, rest]);
    // +1: a line of exactly maxLine bytes may still be waiting for the LF after its CR.
    if (this.partial.length > this.maxLine + 1) {
      this.truncated++;
      out.push(this.partial.toString('utf8', 0, this.maxLine) + TRUNCATION_MARKER);
      this.partial = null;
      this.skipping = true;
    }
  }

  private emit(buf: Buffer, start: number, end: number, out: string[]): void {
    if (end > start && buf[end - 1] === 13) end--;
    if (end - start > this.maxLine) {
      this.truncated++;
      out.push(buf.toString('utf8', start, start + this.maxLine) + TRUNCATION_MARKER);
    } else {
      out.push(buf.toString('utf8', start, end));
    }
  }
}
