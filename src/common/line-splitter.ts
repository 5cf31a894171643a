// The one line splitter of bulwark: child output capture, the file tail and `scan` all cut bytes
// into lines here, with one maximum length and one truncation marker. Bytes in; lines out as byte
// ranges (capture writes bytes, the others decode with lineText), so nothing is decoded twice.
// An unfinished last line is held (copied: the caller reuses its read buffer) until its newline;
// a line longer than maxLine is cut on a UTF-8 boundary, marked and counted, and its rest skipped.
// Hot path: one indexOf per line, no allocation for lines wholly inside a chunk.

/** Lines longer than this many bytes (SPEC: 64 KB) are cut. */
export const MAX_LINE_BYTES = 64 * 1024;

/** Appended to the kept head of a line that was cut. */
export const TRUNCATION_MARKER = ' [bulwark: line truncated]';

/**
 * One line: bytes [start, end) of buf, without its LF but with a CR before it if there was one
 * (capture keeps the bytes as written; lineText drops the CR). `cut`: the line was longer than
 * maxLine and this is its head. `buf` is only valid during the call.
 */
export type LineSink = (buf: Buffer, start: number, end: number, cut: boolean) => void;

const LF = 10;
const CR = 13;

export class LineSplitter {
  private partial: Buffer | null = null;
  /** Inside an over-long line whose head was already emitted: drop bytes until its newline. */
  private skipping = false;
  /** Lines cut because they exceeded maxLine. */
  truncated = 0;

  constructor(private readonly maxLine: number = MAX_LINE_BYTES) {}

  /** Bytes taken but not yet part of an emitted line (a reader resumes before them after a restart). */
  get pendingBytes(): number {
    return this.partial === null ? 0 : this.partial.length;
  }

  /**
   * Splits bytes [0, end) of chunk, handing each complete line to sink. With `maxLines`, stops
   * after that many lines, at the line boundary it returns (bytes taken: end when it did not stop;
   * nothing is held then, the caller offers the rest again).
   */
  push(chunk: Buffer, end: number, sink: LineSink, maxLines = Infinity): number {
    let start = 0;
    let lines = 0;
    while (start < end) {
      if (lines >= maxLines) return start;
      let nl = chunk.indexOf(LF, start);
      if (nl >= end) nl = -1;
      if (nl === -1) {
        if (!this.skipping) this.hold(chunk, start, end, sink);
        return end;
      }
      if (this.skipping) {
        this.skipping = false;
      } else if (this.partial !== null) {
        const line = Buffer.concat([this.partial, chunk.subarray(start, nl)]);
        this.partial = null;
        this.emit(line, 0, line.length, sink);
        lines++;
      } else {
        this.emit(chunk, start, nl, sink);
        lines++;
      }
      start = nl + 1;
    }
    return end;
  }

  /** Hands on a held unfinished line as a line of its own (the stream ended; the file will not grow). */
  flush(sink: LineSink): void {
    if (this.partial !== null && this.partial.length > 0) this.emit(this.partial, 0, this.partial.length, sink);
    this.reset();
  }

  /** Forgets any held bytes (the reader rewound or the file was truncated). */
  reset(): void {
    this.partial = null;
    this.skipping = false;
  }

  private hold(chunk: Buffer, start: number, end: number, sink: LineSink): void {
    const rest = chunk.subarray(start, end);
    this.partial = this.partial === null ? Buffer.from(rest) : Buffer.concat([this.partial, rest]);
    // +1: a line of exactly maxLine bytes may still be waiting for the LF after its CR.
    if (this.partial.length > this.maxLine + 1) {
      this.truncated++;
      sink(this.partial, 0, utf8Boundary(this.partial, 0, this.maxLine), true);
      this.partial = null;
      this.skipping = true;
    }
  }

  private emit(buf: Buffer, start: number, end: number, sink: LineSink): void {
    const content = end > start && buf[end - 1] === CR ? end - 1 - start : end - start;
    if (content > this.maxLine) {
      this.truncated++;
      sink(buf, start, utf8Boundary(buf, start, this.maxLine), true);
    } else {
      sink(buf, start, end, false);
    }
  }
}

/** The line as text: UTF-8 decoded (invalid bytes become U+FFFD), without a trailing CR, marked if cut. */
export function lineText(buf: Buffer, start: number, end: number, cut: boolean): string {
  if (cut) return buf.toString('utf8', start, end) + TRUNCATION_MARKER;
  if (end > start && buf[end - 1] === CR) end--;
  return buf.toString('utf8', start, end);
}

/** start + max, moved back so that no UTF-8 character is split (at most 3 bytes). */
function utf8Boundary(buf: Buffer, start: number, max: number): number {
  let end = start + max;
  for (let i = 0; i < 3 && end > start && (buf[end]! & 0xc0) === 0x80; i++) end--;
  return end;
}
