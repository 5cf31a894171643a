// A durable, bounded, per-endpoint queue on disk. Messages are appended (one write per batch,
// then fdatasync) before they are sent, and leave only when the sender commits them as delivered.
// The fdatasync runs off the event loop with group commit: while one is in flight, new batches
// are written and the next fdatasync covers them all, so a slow disk never stalls the producer.
// Positions: `pos` = byte offset over all segments, `seq` = message count since open (for counts).
//
// A refused write (disk full) is undone to the last whole message and the batch stays queued in
// memory, so the retry writes it exactly once; that memory is bounded by `maxPending`, past which
// new messages are dropped and counted (the disk gives no room, memory must not grow without end).
import { mkdirSync } from 'node:fs';
import { CursorFile } from './cursor.js';
import { PendingBatch } from './pending-batch.js';
import { SegmentFiles } from './segment-files.js';
import { countLines, listSegments } from './segments.js';
import { WriteTimes } from './write-times.js';

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
  private readonly files: SegmentFiles;
  /** Appended messages, not yet written. */
  private readonly pending: PendingBatch;
  private readonly cursor: CursorFile;
  /** Written to the current segment, maybe not yet durable. */
  private written: Mark = { pos: 0, seq: 0 };
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
    this.pending = new PendingBatch(o.maxPending ?? DEFAULT_MAX_PENDING);
    // Several segments per maxSize so that dropping the oldest frees a useful, bounded amount.
    const segmentSize = Math.min(64 * 1024 * 1024, Math.max(64 * 1024, Math.floor(o.maxSize / 8)));
    this.files = new SegmentFiles(dir, segmentSize, (err) => this.handlers.onError(err));
  }

  get isOpen(): boolean {
    return this.files.isOpen;
  }

  /** close() ran: nothing more will be written. */
  closed = false;

  /** Opens the directory, repairs a torn last line, and positions after the last delivery. */
  open(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const segments = listSegments(this.dir);
    const saved = this.cursor.read();
    // Handed to the kernel before a crash in this boot: the kernel delivered it after we died.
    const { committed, end: endPos, lines } = this.files.open(segments, Math.max(saved.committed, saved.handed));
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
    return this.written.pos - pos + this.pending.bytes;
  }

  /** Messages not yet delivered (on disk or about to be). */
  get spooled(): number {
    return this.written.seq + this.pending.count - this.committed.seq;
  }

  /** Messages appended since open (dropped ones not counted): the target of written()/durable() waits. */
  get accepted(): number {
    return this.written.seq + this.pending.count;
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
    return this.pending.count > 0 || this.written.pos > this.end.pos;
  }

  /** Queues one message (no LF inside) for the next write; false if dropped because memory is full. */
  append(message: string): boolean {
    if (this.pending.add(message)) return true;
    this.dropped++;
    this.handlers.onDrop(1, 'memory-full');
    return false;
  }

  /**
   * Writes what was appended (one write, now). If the disk refuses, the segment is cut back to its
   * last whole message and the messages stay queued for the next write; the error is thrown.
   */
  write(): void {
    if (this.pending.count === 0) return;
    const size = this.pending.bytes;
    this.files.append(this.pending.buffer, size);
    this.written = { pos: this.written.pos + size, seq: this.written.seq + this.pending.count };
    this.writeTimes.wrote(this.written.pos, Date.now());
    this.pending.clear();
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
    return this.files.read(from, this.end.pos, maxBytes);
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
    if (!this.cursorDirty || !this.files.isOpen) return;
    this.cursorDirty = false;
    try {
      this.cursor.write(this.committed.pos, Math.max(this.handedPos, this.committed.pos));
    } catch (e) {
      this.cursorDirty = true; // a full disk: the next move (or close) tries again
      this.handlers.onError(new Error(`spool ${this.dir}: cannot save the cursor: ${(e as Error).message}`, { cause: e }));
    }
    // Delivered segments go even if the cursor could not be saved: a restart starts at the first
    // segment left, and deleting them is what frees a full disk.
    this.files.deleteBefore(this.committed.pos);
  }

  /** Makes what was written durable (best effort), saves the cursor, then closes the files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try { this.write(); } catch { /* the disk refused: these stay unwritten (their sources re-read them) */ }
    await this.sync().catch(() => {});
    this.persistCursor();
    this.files.close();
    this.cursor.close();
    this.handlers.onDurable(); // waiters look once more: what was not written by now never will be
  }

  /** fdatasync rounds while batches keep arriving; a failure rejects that round's waiters. */
  private async syncLoop(): Promise<void> {
    while (this.syncWaiters.length > 0) {
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      const target = this.written;
      try {
        await this.files.datasync();
      } catch (e) {
        for (const w of waiters) w.reject(e as Error);
        continue;
      }
      if (target.pos > this.end.pos) this.end = target;
      // Rotate only when the current segment holds nothing unsynced (fd about to be closed).
      if (this.written.pos === target.pos) this.files.rotateIfFull(this.written.pos);
      this.enforceMaxSize();
      for (const w of waiters) w.resolve();
      this.handlers.onDurable();
    }
    this.syncing = null;
  }

  /** Over maxSize: drop whole oldest segments (never the one being written) and count them. */
  private enforceMaxSize(): void {
    let dropped = 0;
    const segments = this.files.segments;
    for (let i = 0; this.end.pos - this.committed.pos > this.maxSize && i < segments.length - 1; i++) {
      const s = segments[i]!;
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
}
