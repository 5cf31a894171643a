// One file the tail follows, by identity: its descriptor, read and emit positions, line splitter,
// first bytes (to notice an in-place truncation or rewrite), and its persisted record. It owns its
// buffers (nothing is shared between files). An idle file gives its descriptor back and reopens
// by identity (device, inode, first bytes) when its listing shows it changed, so a glob over
// thousands of quiet files holds few descriptors and costs one stat per file per pass.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { LineSplitter, lineText } from '../../common/line-splitter.js';
import { FINGERPRINT_BYTES, fingerprint, readHead } from './fingerprint.js';
import type { Listed } from './file-discovery.js';
import type { OffsetRecord } from './offset-store.js';

export const CHUNK_BYTES = 64 * 1024;

export type ReadOutcome = 'eof' | 'truncated' | 'read';

export class FollowedFile {
  readonly key: string;
  /** Current name (or the last one seen, once it left the patterns). */
  path: string;
  record: OffsetRecord;
  listed = true;
  /** Already counted as rotated (its original name now means another file, or nothing). */
  rotated = false;
  lastActivity = Date.now();
  retryAt = 0;
  readPos: number;
  /** End of the last line handed on (readPos minus the held partial line). */
  emittedPos: number;
  private fd: number;
  private readonly head = Buffer.alloc(FINGERPRINT_BYTES);
  private headLen: number;
  private readonly splitter: LineSplitter;
  private chunk: Buffer | null = null;
  private probe: Buffer | null = null;
  /** The listing's size and mtime when the file was last read to its end. */
  private seenSize = -1;
  private seenMtimeNs = -1n;

  constructor(
    l: Listed, fd: number, record: OffsetRecord, head: Buffer, headLen: number, from: number, maxLine: number,
    /** The record changed (fingerprint grew): the source saves its state. */
    private readonly recordChanged: () => void,
  ) {
    this.key = l.key;
    this.path = l.path;
    this.fd = fd;
    this.record = record;
    head.copy(this.head, 0, 0, headLen);
    this.headLen = headLen;
    record.fp = fingerprint(this.head, headLen);
    record.fpLen = headLen;
    this.readPos = from;
    this.emittedPos = from;
    this.splitter = new LineSplitter(maxLine);
  }

  get isOpen(): boolean {
    return this.fd >= 0;
  }

  /** Lines cut for length so far. */
  get truncatedLines(): number {
    return this.splitter.truncated;
  }

  get headLength(): number {
    return this.headLen;
  }

  /** Might there be something to read? (Unlisted files are always read: they are being finished.) */
  mayHaveNews(l: Listed | undefined): boolean {
    return l === undefined || l.size !== this.seenSize || l.mtimeNs !== this.seenMtimeNs || this.readPos > l.size;
  }

  /** The modification time the last read to the end saw (-1: none yet). */
  get seenMtime(): bigint {
    return this.seenMtimeNs;
  }

  /** The listing's view after a read to the end: unchanged files are then not read again. */
  noteSeen(l: Listed | undefined): void {
    if (l) { this.seenSize = l.size; this.seenMtimeNs = l.mtimeNs; }
  }

  /**
   * Reads the next chunk and appends its complete lines to `lines`, at most `maxLines` of them (the
   * rest is read again next time). 'truncated': the first bytes changed or the file shrank below
   * what was read (the caller restarts it at 0); 'eof': nothing new.
   */
  read(lines: string[], maxLines = Infinity): ReadOutcome {
    this.chunk ??= Buffer.allocUnsafe(CHUNK_BYTES);
    const n = readSync(this.fd, this.chunk, 0, CHUNK_BYTES, this.readPos);
    // Verified after the read: if the first bytes changed, the file was truncated (and maybe
    // refilled) in place, so what we just read may be new content at an old offset. Drop it.
    if (!this.headStillMatches()) return 'truncated';
    if (n === 0) return fstatSync(this.fd).size < this.readPos ? 'truncated' : 'eof';
    this.lastActivity = Date.now();
    this.readPos += this.splitter.push(this.chunk, n, (buf, start, end, cut) => { lines.push(lineText(buf, start, end, cut)); }, maxLines);
    this.emittedPos = this.readPos - this.splitter.pendingBytes;
    return 'read';
  }

  /** The lines from `to` on were not taken: read them again later. */
  rewind(to: number): void {
    this.readPos = to;
    this.emittedPos = to;
    this.splitter.reset();
  }

  /** The file is finished: its unterminated last line becomes a line of its own. */
  flushPartial(lines: string[]): void {
    this.splitter.flush((buf, start, end, cut) => { lines.push(lineText(buf, start, end, cut)); });
    this.emittedPos = this.readPos;
  }

  /** Truncated or rewritten in place: start again at 0 under a fresh record (the old one is returned). */
  restart(): OffsetRecord {
    const old = this.record;
    this.record = { dev: old.dev, ino: old.ino, fp: fingerprint(this.head, 0), fpLen: 0, offset: 0, path: old.path };
    this.headLen = 0;
    this.rewind(0);
    this.seenSize = -1;
    return old;
  }

  /** Do the first bytes still read as before? Extends the remembered head while the file is short. */
  headStillMatches(): boolean {
    this.probe ??= Buffer.allocUnsafe(FINGERPRINT_BYTES);
    const len = readHead(this.fd, this.probe);
    if (len < this.headLen || this.probe.compare(this.head, 0, this.headLen, 0, this.headLen) !== 0) return false;
    if (len > this.headLen) {
      this.probe.copy(this.head, this.headLen, this.headLen, len);
      this.headLen = len;
      this.record.fp = fingerprint(this.head, len);
      this.record.fpLen = len;
      this.recordChanged();
    }
    return true;
  }

  /** Same first bytes as `other` (first otherLen bytes) on their common prefix? */
  sharesPrefixWith(other: Buffer, otherLen: number): boolean {
    const n = Math.min(this.headLen, otherLen);
    return this.headLen > 0 && this.head.compare(other, 0, n, 0, n) === 0;
  }

  /** Not truncated or rewritten since we read it (unreadable counts as intact: drain reports it). */
  intact(): boolean {
    if (!this.isOpen) return true;
    try {
      return this.headStillMatches() && fstatSync(this.fd).size >= this.readPos;
    } catch {
      return true;
    }
  }

  /** Is the candidate (size bytes, open as fd) byte-for-byte the start of this file, judged on its last bytes? */
  tailsAgree(fd: number, size: number): boolean {
    if (!this.isOpen) return false;
    const w = Math.min(FINGERPRINT_BYTES, size);
    const a = Buffer.allocUnsafe(w);
    const b = Buffer.allocUnsafe(w);
    try {
      return readSync(fd, a, 0, w, size - w) === w && readSync(this.fd, b, 0, w, size - w) === w && a.equals(b);
    } catch {
      return false;
    }
  }

  /** Its size now (fstat, or stat by name while closed), or null when that fails. */
  size(): number | null {
    try {
      return this.isOpen ? fstatSync(this.fd).size : statSync(this.path).size;
    } catch {
      return null;
    }
  }

  /** Gives the descriptor and read buffer back; reopen() continues where reading stopped. */
  close(): void {
    if (this.fd >= 0) closeQuietly(this.fd);
    this.fd = -1;
    this.chunk = null;
    this.probe = null;
  }

  /** Reopens by name if the name still means this file (device and inode); false if it does not. */
  reopen(): boolean {
    if (this.isOpen) return true;
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return false;
    }
    try {
      const st = fstatSync(fd, { bigint: true });
      if (`${st.dev}:${st.ino}` === this.key) {
        this.fd = fd;
        return true;
      }
    } catch { /* treated as moved */ }
    closeQuietly(fd);
    return false;
  }
}

export function closeQuietly(fd: number): void {
  try { closeSync(fd); } catch { /* already closed */ }
}
