// Reads RELP frames from a byte stream: TXNR SP COMMAND SP DATALEN [SP DATA] LF
// (librelp doc/relp.html). Only what a client receives is needed: `rsp` and `serverclose`.
import { ForwardError } from '../errors.js';

export interface RelpFrame {
  txnr: number;
  command: string;
  data: string;
}

const HEADER = /^(\d{1,9}) ([a-z]{1,32}) (\d{1,9})[ \n]/;
const MAX_DATA = 1024 * 1024;

export class RelpParser {
  private buf: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns every complete frame. Throws EFWD_PROTOCOL on garbage. */
  push(chunk: Buffer): RelpFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: RelpFrame[] = [];
    for (;;) {
      const m = HEADER.exec(this.buf.toString('latin1', 0, Math.min(this.buf.length, 64)));
      if (!m) {
        if (this.buf.length >= 64 || (this.buf.length > 0 && !/^\d/.test(this.buf.toString('latin1', 0, 1)))) {
          throw new ForwardError('EFWD_PROTOCOL', `RELP: unreadable frame from the receiver: ${JSON.stringify(this.buf.toString('latin1', 0, 40))}`);
        }
        return frames;
      }
      const len = Number(m[3]);
      if (len > MAX_DATA) throw new ForwardError('EFWD_PROTOCOL', `RELP: frame of ${len} bytes from the receiver`);
      const headerLen = m[0].length;
      if (len === 0) {
        // `0 close 0\n`: no SP DATA; the header already consumed the LF.
        if (m[0].endsWith(' ')) throw new ForwardError('EFWD_PROTOCOL', 'RELP: DATALEN 0 followed by data');
        frames.push({ txnr: Number(m[1]), command: m[2]!, data: '' });
        this.buf = this.buf.subarray(headerLen);
        continue;
      }
      if (this.buf.length < headerLen + len + 1) return frames;
      frames.push({ txnr: Number(m[1]), command: m[2]!, data: this.buf.toString('utf8', headerLen, headerLen + len) });
      this.buf = this.buf.subarray(headerLen + len + 1); // + the trailing LF
    }
  }
}
