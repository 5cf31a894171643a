// One captured stream (stdout or stderr) of one app: chunk -> whole lines -> capture file (one
// write per chunk) and onLine (one LogLine per line). A partial line waits for its newline; a
// line longer than MAX_LINE is cut with a marker, so memory per stream stays bounded.
import type { LogLine } from '../events/types.js';
import type { LineSink } from './capture-writers.js';

export const MAX_LINE = 64 * 1024;
const NL = 10;
const CR = 13;

export class OutputCapture {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private droppedBytes = 0;

  constructor(
    private readonly app: string,
    private readonly source: 'stdout' | 'stderr',
    private readonly file: LineSink,
    private readonly onLine: ((l: LogLine) => void) | undefined,
    /** When set, each line in the capture file starts with `<stamp()>: ` (PM2's log_date_format / time). */
    private readonly stamp?: () => string,
  ) {}

  push(chunk: Buffer): void {
    const len = chunk.length;
    let start = 0;
    if (this.pendingBytes > 0 || this.droppedBytes > 0) {
      const nl = chunk.indexOf(NL);
      if (nl === -1) {
        this.hold(chunk, 0, len);
        return;
      }
      this.hold(chunk, 0, nl);
      this.flushPending();
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(NL);
    if (last >= start) {
      // Lines wholly inside one pipe read are at most one read (64 KB) long: no cap check needed.
      if (this.stamp === undefined) this.file.write(chunk, start, last + 1);
      else this.writeStamped(chunk, start, last);
      if (this.onLine !== undefined) this.emitLines(chunk, start, last);
      start = last + 1;
    }
    if (start < len) this.hold(chunk, start, len);
  }

  /** The stream ended: a last line without its newline still counts. */
  end(): void {
    if (this.pendingBytes > 0 || this.droppedBytes > 0) this.flushPending();
  }

  /** Whole lines chunk[start, last] (last is a newline), one write with a prefix per line. */
  private writeStamped(chunk: Buffer, start: number, last: number): void {
    const prefix = Buffer.from(`${this.stamp!()}: `);
    const parts: Buffer[] = [];
    while (start <= last) {
      const nl = chunk.indexOf(NL, start);
      parts.push(prefix, chunk.subarray(start, nl + 1));
      start = nl + 1;
    }
    const out = Buffer.concat(parts);
    this.file.write(out, 0, out.length);
  }

  private emitLines(chunk: Buffer, start: number, last: number): void {
    const readAt = Date.now();
    const onLine = this.onLine!;
    while (start <= last) {
      const nl = chunk.indexOf(NL, start);
      const end = nl > start && chunk[nl - 1] === CR ? nl - 1 : nl;
      onLine({ app: this.app, source: this.source, line: chunk.toString('utf8', start, end), readAt });
      start = nl + 1;
    }
  }

  private hold(chunk: Buffer, start: number, end: number): void {
    const room = MAX_LINE - this.pendingBytes;
    const take = Math.min(room, end - start);
    if (take > 0) {
      this.pending.push(Buffer.from(chunk.subarray(start, start + take)));
      this.pendingBytes += take;
    }
    this.droppedBytes += end - start - take;
  }

  private flushPending(): void {
    let body = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    if (this.droppedBytes > 0) body = Buffer.concat([body, Buffer.from(` [bulwark: truncated ${this.droppedBytes} bytes]`)]);
    this.pending = [];
    this.pendingBytes = 0;
    this.droppedBytes = 0;
    const line = Buffer.concat([body, Buffer.from('\n')]);
    if (this.stamp === undefined) this.file.write(line);
    else this.writeStamped(line, 0, line.length - 1);
    if (this.onLine !== undefined) {
      const end = body.length > 0 && body[body.length - 1] === CR ? body.length - 1 : body.length;
      this.onLine({ app: this.app, source: this.source, line: body.toString('utf8', 0, end), readAt: Date.now() });
    }
  }
}
