// A durable, bounded, per-endpoint queue on disk. Messages are appended (one write per batch,
// then fdatasync) before they are sent, and leave only when the sender commits them as delivered.
// The fdatasync runs off the event loop with group commit: while one is in flight, new batches
// are written and the next fdatasync covers them all, so a slow disk never stalls the producer.
// Positions: `pos` = byte offset over all segments, `seq` = message count since open (for counts).
import { closeSync, fdatasync, ftruncateSync, mkdirSync, readSync, unlink, writeSync } from 'node:fs';
import { openOwnFile } from '../../common/private-file.js';
import { CursorFile } from './cursor.js';
import { completeLength, countLines, listSegments, segmentPath, type Segment } from './segments.js';
import { WriteTimes } from './write-times.js';

const CURSOR_EVERY_MS = 200;
/** The append buffer starts this big, doubles as needed, and goes back to this after a big flush. */
const PENDING_INITIAL = 64 * 1024;
const PENDING_KEEP_MAX = 4 * 1024 * 1024;

export interface Mark {
  pos: number;
  seq: number;
}

export interface SpoolOptions {
  maxSize: number;
  /** New messages became durable (the sender may read them). */
  onDurable?: () => void;
  /** Called after old messages were dropped to stay under maxSize. */
  onDrop?: (count: number) => void;
  /** A cursor write or segment delete failed (retried later; never thrown into socket callbacks). */
  onError?: (err: Error) => void;
}

interface Waiter {
  resolve(): void;
  reject(e: Error): void;
}

export class Spool {
  private segments: Segment[] = [];
  private writeFd = -1;
  /** Appended messages, UTF-8 encoded as they come (no string concatenation to flatten later). */
  private pending = Buffer.allocUnsafe(PENDING_INITIAL);
  private pendingBytes = 0;
  private pendingCount = 0;
  private readonly cursor: CursorFile;
  private readonly segmentSize: number;
  private readFd = -1;
  private readFdStart = -1;
  /** Written to the current segment, maybe not yet durable. */
  private written: Mark = { pos: 0, seq: 0 };
  private syncing: Promise<void> | null = null;
  private syncWaiters: Waiter[] = [];
  /** Durable end: everything before it is on disk; the sender reads only up to here. */
  end: Mark = { pos: 0, seq: 0 };
  committed: Mark = { pos: 0, seq: 0 };
  dropped = 0;
  private cursorDirty = false;
  private cursorWrittenAt = 0;
  private readonly writeTimes = new WriteTimes();

  constructor(readonly dir: string, private readonly o: SpoolOptions) {
    this.cursor = new CursorFile(dir);
    // Several segments per maxSize so that dropping the oldest frees a useful, bounded amount.
    this.segmentSize = Math.min(64 * 1024 * 1024, Math.max(64 * 1024, Math.floor(o.maxSize / 8)));
  }

  /** Opens the directory, repairs a torn last line, and positions after the last delivery. */
  open(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.segments = listSegments(this.dir);
    let committed = this.cursor.read();
    const first = this.segments[0];
    if (!first) {
      this.segments.push({ start: committed, size: 0, path: segmentPath(this.dir, committed) });
    } else if (committed < first.start) {
      committed = first.start;
    }
    const last = this.segments[this.segments.length - 1]!;
    this.writeFd = openOwnFile(last.path, 'appendRead');
    const complete = completeLength(last.path, last.size);
    if (complete !== last.size) {
      ftruncateSync(this.writeFd, complete);
      last.size = complete;
    }
    const endPos = last.start + last.size;
    committed = Math.min(committed, endPos);
    this.deleteBefore(committed);
    let lines = 0;
    for (const s of this.segments) {
      const from = Math.max(s.start, committed) - s.start;
      if (from < s.size) lines += countLines(s.path, from, s.size);
    }
    this.committed = { pos: committed, seq: 0 };
    this.end = this.written = { pos: endPos, seq: lines };
    // What a previous run left undelivered: when it was written is not known, so from now.
    if (endPos > committed) this.writeTimes.wrote(endPos, Date.now());
  }

  /** When the oldest undelivered message was written (ms since epoch; about 1 s resolution), or null. */
  get oldestUndeliveredAt(): number | null {
    return this.writeTimes.oldestAfter(this.committed.pos);
  }

  /** Bytes appended after position `pos` (on disk or about to be). */
  bytesAfter(pos: number): number {
    return this.written.pos - pos + this.pendingBytes;
  }

  /** Messages not yet delivered (on disk or about to be). */
  get spooled(): number {
    return this.written.seq + this.pendingCount - this.committed.seq;
  }

  /** Appended messages not yet durable. */
  get hasPending(): boolean {
    return this.pendingCount > 0 || this.written.pos > this.end.pos;
  }

  /** Queues one message (no LF inside) for the next flush. */
  append(message: string): void {
    const room = message.length * 3 + 1; // a UTF-16 unit is at most 3 UTF-8 bytes
    if (this.pendingBytes + room > this.pending.length) this.grow(this.pendingBytes + room);
    this.pendingBytes += this.pending.write(message, this.pendingBytes, 'utf8');
    this.pending[this.pendingBytes++] = 10;
    this.pendingCount++;
  }

  /**
   * Writes what was appended (one write, now) and resolves once it is durable. Throws if the
   * write fails (the messages stay queued for the next flush); rejects if fdatasync fails.
   */
  flush(): Promise<void> {
    if (this.pendingCount > 0) {
      const size = this.pendingBytes;
      let off = 0;
      while (off < size) off += writeSync(this.writeFd, this.pending, off, size - off);
      this.segments[this.segments.length - 1]!.size += size;
      this.written = { pos: this.written.pos + size, seq: this.written.seq + this.pendingCount };
      this.writeTimes.wrote(this.written.pos, Date.now());
      this.pendingBytes = 0;
      this.pendingCount = 0;
      if (this.pending.length > PENDING_KEEP_MAX) this.pending = Buffer.allocUnsafe(PENDING_INITIAL);
    }
    if (this.written.pos === this.end.pos && !this.syncing) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.syncWaiters.push({ resolve, reject });
      if (!this.syncing) this.syncing = this.sync();
    });
  }

  /** Whole durable messages from `from`, about `maxBytes` of them (more if one message is longer); empty at the end. */
  read(from: number, maxBytes: number): Buffer {
    if (from >= this.end.pos) return Buffer.alloc(0);
    const seg = this.segmentAt(from);
    const avail = Math.min(seg.start + seg.size, this.end.pos) - from;
    for (let want = Math.min(maxBytes, avail); ; want = Math.min(want * 2, avail)) {
      const buf = Buffer.allocUnsafe(want);
      const got = readSync(this.readFdFor(seg), buf, 0, want, from - seg.start);
      const last = buf.subarray(0, got).lastIndexOf(10);
      if (last !== -1) return buf.subarray(0, last + 1);
      if (want >= avail) return Buffer.alloc(0); // cannot happen: durable data ends in LF
    }
  }

  /**
   * Marks everything before `to` delivered; whole segments behind it are deleted. The cursor
   * file is rewritten at most every CURSOR_EVERY_MS (a crash then resends a little, never loses).
   */
  commit(to: Mark): void {
    if (to.pos <= this.committed.pos) return;
    this.committed = to;
    this.writeTimes.gone(to.pos);
    this.cursorDirty = true;
    if (Date.now() - this.cursorWrittenAt >= CURSOR_EVERY_MS) this.persistCursor();
  }

  /** Writes the cursor if it moved, then deletes segments wholly behind it. */
  persistCursor(): void {
    if (!this.cursorDirty || this.writeFd < 0) return;
    this.cursorWrittenAt = Date.now();
    try {
      this.cursor.write(this.committed.pos);
      this.cursorDirty = false;
      this.deleteBefore(this.committed.pos);
    } catch (e) {
      this.o.onError?.(new Error(`spool ${this.dir}: ${(e as Error).message}`, { cause: e }));
    }
  }

  /** Makes what was written durable, then closes the files. */
  async close(): Promise<void> {
    await this.flush().catch(() => {});
    for (const fd of [this.writeFd, this.readFd]) if (fd >= 0) closeSync(fd);
    this.writeFd = this.readFd = -1;
  }

  /** One fdatasync round (then another while batches keep arriving). */
  private async sync(): Promise<void> {
    while (this.syncWaiters.length > 0) {
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      const target = this.written;
      const fd = this.writeFd;
      try {
        await new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
      } catch (e) {
        for (const w of waiters) w.reject(e as Error);
        continue;
      }
      this.end = target;
      // Rotate only when the current segment holds nothing unsynced (fd about to be closed).
      const last = this.segments[this.segments.length - 1]!;
      if (last.size >= this.segmentSize && this.written.pos === target.pos) this.rotate();
      this.enforceMaxSize();
      for (const w of waiters) w.resolve();
      this.o.onDurable?.();
    }
    this.syncing = null;
  }

  private grow(atLeast: number): void {
    let size = this.pending.length * 2;
    while (size < atLeast) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.pending.copy(bigger, 0, 0, this.pendingBytes);
    this.pending = bigger;
  }

  private segmentAt(pos: number): Segment {
    for (const s of this.segments) if (pos < s.start + s.size) return s;
    throw new Error(`spool position ${pos} is past the end`);
  }

  private readFdFor(seg: Segment): number {
    if (this.readFdStart !== seg.start) {
      if (this.readFd >= 0) closeSync(this.readFd);
      this.readFd = openOwnFile(seg.path, 'read');
      this.readFdStart = seg.start;
    }
    return this.readFd;
  }

  private rotate(): void {
    closeSync(this.writeFd);
    const start = this.written.pos;
    const seg = { start, size: 0, path: segmentPath(this.dir, start) };
    this.writeFd = openOwnFile(seg.path, 'appendRead');
    this.segments.push(seg);
  }

  /** Over maxSize: drop whole oldest segments (never the one being written) and count them. */
  private enforceMaxSize(): void {
    let dropped = 0;
    for (let i = 0; this.end.pos - this.committed.pos > this.o.maxSize && i < this.segments.length - 1; i++) {
      const s = this.segments[i]!;
      const segEnd = s.start + s.size;
      if (segEnd <= this.committed.pos) continue;
      const lines = countLines(s.path, Math.max(s.start, this.committed.pos) - s.start, s.size);
      dropped += lines;
      this.committed = { pos: segEnd, seq: this.committed.seq + lines };
    }
    if (dropped > 0) {
      this.writeTimes.gone(this.committed.pos);
      this.cursorDirty = true;
      this.persistCursor();
      this.dropped += dropped;
      this.o.onDrop?.(dropped);
    }
  }

  private deleteBefore(pos: number): void {
    while (this.segments.length > 1 && this.segments[0]!.start + this.segments[0]!.size <= pos) {
      const s = this.segments.shift()!;
      if (this.readFdStart === s.start) {
        closeSync(this.readFd);
        this.readFd = this.readFdStart = -1;
      }
      // Off the event loop: freeing a big file's pages takes a while. A crash before it is done
      // leaves a segment behind the cursor, which the next open deletes.
      unlink(s.path, (err) => {
        if (err && err.code !== 'ENOENT') this.o.onError?.(new Error(`spool ${this.dir}: ${err.message}`, { cause: err }));
      });
    }
  }
}
