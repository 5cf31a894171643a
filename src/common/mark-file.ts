// A small record rewritten many times a second, cheaply: two one-page slots overwritten in place
// (one pwrite, no rename, no fsync), each with a sequence number and a checksum; reading takes the
// newest slot that checks out. A SIGKILL cannot tear a one-page write, and if a write is torn
// anyway (power loss) the other slot still holds the previous value. Replacing a file by rename
// costs ~2 ms on ext4 (it flushes the new file's data first): too much per batch.
import { closeSync, fstatSync, readSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { openOwnFile } from './private-file.js';

const SLOT = 4096;
const HEADER = 'bulwark-mark 1 ';

export class MarkFile {
  private fd = -1;
  /** The newest slot's sequence number (known after read(); write() reads first if needed). */
  private seq = -1;

  constructor(readonly path: string) {}

  /** Largest payload (UTF-8 bytes) that fits a slot. */
  static readonly MAX_PAYLOAD = SLOT - 128;

  /** The newest intact payload, or undefined (no file, or nothing intact). */
  read(): string | undefined {
    let fd: number;
    try {
      fd = openOwnFile(this.path, 'read');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err; // a planted link or someone else's file is refused, not read as our position
    }
    let best: { seq: number; payload: string } | undefined;
    this.seq = Math.max(this.seq, 0);
    try {
      const buf = Buffer.alloc(SLOT);
      for (let slot = 0; slot < 2; slot++) {
        const n = readSync(fd, buf, 0, SLOT, slot * SLOT);
        const parsed = parseSlot(buf.toString('utf8', 0, n));
        if (parsed && (!best || parsed.seq > best.seq)) best = parsed;
      }
    } finally {
      closeSync(fd);
    }
    if (best) this.seq = best.seq;
    return best?.payload;
  }

  /** Writes `payload` into the older slot; false (nothing written) if it does not fit. Throws on I/O errors. */
  write(payload: string): boolean {
    if (Buffer.byteLength(payload) > MarkFile.MAX_PAYLOAD) return false;
    if (this.seq < 0) this.read(); // continue after the newest slot, or a reader would prefer an old one
    if (this.fd < 0) {
      this.fd = openOwnFile(this.path, 'update');
      // Both slots allocated now (written, not a sparse truncate): later writes need no new block,
      // so a full disk does not stop them.
      if (fstatSync(this.fd).size < 2 * SLOT) writeSync(this.fd, Buffer.alloc(2 * SLOT, 0x20), 0, 2 * SLOT, 0);
    }
    this.seq = Math.max(this.seq, 0) + 1;
    const body = `${this.seq} ${payload}`;
    const text = `${HEADER}${checksum(body)} ${body}\n`;
    const buf = Buffer.alloc(SLOT, 0x20);
    buf.write(text, 0, 'utf8');
    writeSync(this.fd, buf, 0, SLOT, (this.seq % 2) * SLOT);
    return true;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

function checksum(body: string): string {
  return createHash('sha1').update(body).digest('hex').slice(0, 16);
}

function parseSlot(text: string): { seq: number; payload: string } | undefined {
  if (!text.startsWith(HEADER)) return undefined;
  const nl = text.indexOf('\n');
  if (nl < 0) return undefined;
  const rest = text.slice(HEADER.length, nl);
  const sp = rest.indexOf(' ');
  const sum = rest.slice(0, sp);
  const body = rest.slice(sp + 1);
  if (checksum(body) !== sum) return undefined;
  const sp2 = body.indexOf(' ');
  const seq = Number(body.slice(0, sp2));
  return Number.isSafeInteger(seq) ? { seq, payload: body.slice(sp2 + 1) } : undefined;
}
