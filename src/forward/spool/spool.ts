// A durable, bounded, per-endpoint queue on disk. Messages are appended (one write per batch,
// then fdatasync) before they are sent, and leave only when the sender commits them as delivered.
// The fdatasync runs off the event loop with group commit: while one is in flight, new batches
// are written and the next fdatasync covers them all, so a slow disk never stalls the producer.
// Positions: `pos` = byte offset over all segments, `seq` = message count since open (for counts).
//
// A refused write (disk full) is undone to the last whole message and the batch stays queued in
// memory, so the retry writes it exactly once; that memory is bounded by `maxPending`, past which
// new messages are dropped and counted (the disk gives no room, memory must not grow without end).
import { closeSync, fdatasync, ftruncateSync, mkdirSync, readSync, unlink, writeSync } from 'node:fs';
import { openOwnFile } from '../../common/private-file.js';
import { CursorFile } from './cursor.js';
import { completeLength, countLines, listSegments, segmentPath, type Segment } from './segments.js';
import { WriteTimes } from './write-times.js';

/** The append buffer starts this big, doubles as needed, and goes back to this after a big flush. */
const PENDING_INITIAL = 64 * 1024;
const PENDING_KEEP_MAX = 4 * 1024 * 1024;
const DEFAULT_MAX_PENDING = 16 * 1024 * 1024;

export interface Mark {
  pos: number;
  seq: number;
}

export type DropReason = 'spool-full' | 'memory-full';

export interface SpoolOptions {
  maxSize: number;
  /** Bytes held in memory while the disk refuses writes; past it new messages are dropped (default 16 MB). */
  maxPending?: number;
}

/** What the spool tells its endpoint (re-bound when a reload hands the spool to a new endpoint). */
export interface SpoolHandlers {
  /** New messages became durable (the sender may read them). */
  onDurable(): void;
  /** Messages were dropped: the oldest to stay under maxSize, or new ones while memory is full. */
  onDrop(count: number, reason: DropReason): void;
  /** A cursor write, segment start or segment delete failed (retried later; never thrown into socket callbacks). */
  onError(err: Error): void;
}

const NO_HANDLERS: SpoolHandlers = { onDurable() {}, onDrop() {}, onError() {} };

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
  private readonly maxPending: number;
  private readonly cursor: CursorFile;
  private readonly segmentSize: number;
  private readFd = -1;
  private readFdStart = -1;
  /** Written to the current segment, maybe not yet durable. */
  private written: Mark = { pos: 0, seq: 0 };
  /** A refused write may have left part of a batch behind: cut the segment back before the next one. */
  private repairNeeded = false;
  private syncing: Promise<void> | null = null;
  private syncWaiters: Waiter[] = [];
  /** Durable end: everything before it is on disk; the sender reads only up to here. */
  end: Mark = { pos: 0, seq: 0 };
  committed: Mark = { pos: 0, seq: 0 };
  /** Handed to the kernel on a live stream connection (see cursor.ts); >= committed.pos or 0. */
  private handedPos = 0;
  dropped = 0;
  private cursorDirty = false;
  private readonly writeTimes = new WriteTimes();
  /** The bound on undelivered bytes (a reload may change it). */
  maxSize: number;
  handlers: SpoolHandlers = NO_HANDLERS;

  constructor(readonly dir: string, o: SpoolOptions) {
    this.cursor = new CursorFile(dir);
    this.maxSize = o.maxSize;
    this.maxPending = o.maxPending ?? DEFAULT_MAX_PENDING;
    // Several segments per maxSize so that dropping the oldest frees a useful, bounded amount.
    this.segmentSize = Math.min(64 * 1024 * 1024, Math.max(64 * 1024, Math.floor(o.maxSize / 8)));
  }

  get isOpen(): boolean {
    return this.writeFd >= 0;
  }

  /** close() ran: nothing more will be written. */
  closed = false;

  /** Opens the directory, repairs a torn last line, and positions after the last delivery. */
  open(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.segments = listSegments(this.dir);
    const saved = this.cursor.read();
    // Handed to the kernel before a crash in this boot: the kernel delivered it after we died.
    let committed = Math.max(saved.committed, saved.handed);
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

  /** Messages appended since open (dropped ones not counted): the target of written()/durable() waits. */
  get accepted(): number {
    return this.written.seq + this.pendingCount;
  }

  /** Messages written to the file (they survive a crash of this process, not yet a power loss). */
  get writtenSeq(): number {
    return this.written.seq;
  }

  /** Messages made durable by fdatasync. */
  get durableSeq(): number {
    return this.end.seq;
  }

  /** Appended messages not yet written, or written but not yet durable. */
  get hasPending(): boolean {
    return this.pendingCount > 0 || this.written.pos > this.end.pos;
  }

  /** Queues one message (no LF inside) for the next write; false if dropped because memory is full. */
  append(message: string): boolean {
    const room = message.length * 3 + 1; // a UTF-16 unit is at most 3 UTF-8 bytes
    if (this.pendingBytes + room > this.pending.length) {
      if (this.pendingBytes > 0 && this.pendingBytes + room > this.maxPending) {
        this.dropped++;
        this.handlers.onDrop(1, 'memory-full');
        return false;
      }
      this.grow(this.pendingBytes + room);
    }
    this.pendingBytes += this.pending.write(message, this.pendingBytes, 'utf8');
    this.pending[this.pendingBytes++] = 10;
    this.pendingCount++;
    return true;
  }

  /**
   * Writes what was appended (one write, now). If the disk refuses, the segment is cut back to its
   * last whole message and the messages stay queued for the next write; the error is thrown.
   */
  write(): void {
    if (this.pendingCount === 0) return;
    const seg = this.segments[this.segments.length - 1]!;
    if (this.repairNeeded) {
      ftruncateSync(this.writeFd, seg.size); // throws while even that fails: nothing is written
      this.repairNeeded = false;
    }
    const size = this.pendingBytes;
    let off = 0;
    try {
      while (off < size) off += writeSync(this.writeFd, this.pending, off, size - off);
    } catch (e) {
      if (off > 0) this.repair(seg);
      throw e;
    }
    seg.size += size;
    this.written = { pos: this.written.pos + size, seq: this.written.seq + this.pendingCount };
    this.writeTimes.wrote(this.written.pos, Date.now());
    this.pendingBytes = 0;
    this.pendingCount = 0;
    if (this.pending.length > PENDING_KEEP_MAX) this.pending = Buffer.allocUnsafe(PENDING_INITIAL);
  }

  /** Resolves once everything written so far is durable; rejects if fdatasync fails (retry by calling again). */
  sync(): Promise<void> {
    if (this.written.pos === this.end.pos && !this.syncing) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.syncWaiters.push({ resolve, reject });
      this.syncing ??= this.syncLoop();
    });
  }

  /** write() then sync(): throws if the write fails, rejects if the fdatasync does. */
  flush(): Promise<void> {
    this.write();
    return this.sync();
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
   * Marks everything before `to` delivered; whole segments behind it are deleted. The cursor is
   * recorded at once (one in-place write): a crash then resends only what was in flight.
   */
  commit(to: Mark): void {
    if (to.pos <= this.committed.pos) return;
    this.committed = to;
    this.writeTimes.gone(to.pos);
    this.cursorDirty = true;
    this.persistCursor();
  }

  /**
   * Everything before `pos` is in the kernel's hands on a live stream connection (see cursor.ts).
   * Recorded at once, not on a timer: a busy event loop delays timers, and every byte handed but
   * not recorded is sent twice after a crash.
   */
  hand(pos: number): void {
    if (pos <= this.handedPos) return;
    this.handedPos = pos;
    this.cursorDirty = true;
    this.persistCursor();
  }

  /** The connection went down: what it held is not known to be delivered; recorded at once. */
  resetHanded(): void {
    if (this.handedPos === 0) return;
    this.handedPos = 0;
    this.cursorDirty = true;
    this.persistCursor();
  }

  /** Writes the cursor if it moved, then deletes segments wholly behind it. */
  persistCursor(): void {
    if (!this.cursorDirty || this.writeFd < 0) return;
    this.cursorDirty = false;
    try {
      this.cursor.write(this.committed.pos, Math.max(this.handedPos, this.committed.pos));
    } catch (e) {
      this.cursorDirty = true; // a full disk: the next move (or close) tries again
      this.handlers.onError(new Error(`spool ${this.dir}: cannot save the cursor: ${(e as Error).message}`, { cause: e }));
    }
    // Delivered segments go even if the cursor could not be saved: a restart starts at the first
    // segment left, and deleting them is what frees a full disk.
    this.deleteBefore(this.committed.pos);
  }

  /** Makes what was written durable (best effort), saves the cursor, then closes the files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try { this.write(); } catch { /* the disk refused: these stay unwritten (their sources re-read them) */ }
    await this.sync().catch(() => {});
    this.persistCursor();
    for (const fd of [this.writeFd, this.readFd]) if (fd >= 0) closeSync(fd);
    this.writeFd = this.readFd = -1;
    this.cursor.close();
    this.handlers.onDurable(); // waiters look once more: what was not written by now never will be
  }

  private repair(seg: Segment): void {
    try {
      ftruncateSync(this.writeFd, seg.size);
    } catch {
      this.repairNeeded = true;
    }
  }

  /** fdatasync rounds while batches keep arriving; a failure rejects that round's waiters. */
  private async syncLoop(): Promise<void> {
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
      if (target.pos > this.end.pos) this.end = target;
      // Rotate only when the current segment holds nothing unsynced (fd about to be closed).
      const last = this.segments[this.segments.length - 1]!;
      if (last.size >= this.segmentSize && this.written.pos === target.pos && !this.repairNeeded) this.rotate();
      this.enforceMaxSize();
      for (const w of waiters) w.resolve();
      this.handlers.onDurable();
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
    const start = this.written.pos;
    const seg = { start, size: 0, path: segmentPath(this.dir, start) };
    let fd: number;
    try {
      fd = openOwnFile(seg.path, 'appendRead');
    } catch (e) {
      // No room for a new file: keep writing the current segment and try again after the next sync.
      this.handlers.onError(new Error(`spool ${this.dir}: cannot start a new segment: ${(e as Error).message}`, { cause: e }));
      return;
    }
    closeSync(this.writeFd);
    this.writeFd = fd;
    this.segments.push(seg);
  }

  /** Over maxSize: drop whole oldest segments (never the one being written) and count them. */
  private enforceMaxSize(): void {
    let dropped = 0;
    for (let i = 0; this.end.pos - this.committed.pos > this.maxSize && i < this.segments.length - 1; i++) {
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
      this.handlers.onDrop(dropped, 'spool-full');
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
        if (err && err.code !== 'ENOENT') this.handlers.onError(new Error(`spool ${this.dir}: ${err.message}`, { cause: err }));
      });
    }
  }
}
