// The durable event history (state/events.jsonl): appended in batches and fdatasync'd (off the
// event loop, one at a time, each covering every write before it), so `events` survives a crash. Recent events stay in memory for fast queries and for followers.
import { closeSync, existsSync, fdatasync, fdatasyncSync, fstatSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { openOwnFile } from '../common/private-file.js';
import { join } from 'node:path';
import type { BulwarkEvent } from './types.js';

const MAX_FILE_BYTES = 32 * 1024 * 1024;
const RECENT = 5000;
const LOAD_TAIL_BYTES = 4 * 1024 * 1024;
/** Events waiting for a disk that refuses writes, at most (then the oldest are dropped). */
const MAX_PENDING_CHARS = 8 * 1024 * 1024;
const WRITE_RETRY_MS = 1000;

export class EventLog {
  private fd: number;
  private pending: string[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly recent: BulwarkEvent[] = [];
  private readonly followers = new Set<(e: BulwarkEvent) => void>();
  /** An fdatasync is running; `resync`: more was written since it began. */
  private syncing = false;
  private resync = false;
  /** A file rotated away or closed while its fdatasync ran: closed when that finishes. */
  private closeAfterSync = -1;
  private closed = false;
  /** writePending() wrote data no fdatasync has covered yet. */
  private unsynced = false;

  constructor(
    private readonly file: string,
    private readonly flushMs = 50,
    /** A write the disk refused (the events stay queued and are written later). */
    private readonly onWriteError: (err: Error) => void = () => {},
  ) {
    this.loadTail();
    this.fd = openOwnFile(file, 'append');
  }

  append(e: BulwarkEvent): void {
    this.recent.push(e);
    if (this.recent.length > RECENT * 1.2) this.recent.splice(0, this.recent.length - RECENT);
    this.pending.push(JSON.stringify(e) + '\n');
    this.flushTimer ??= setTimeout(() => this.flush(), this.flushMs);
    for (const f of this.followers) f(e);
  }

  /** Writes and fdatasyncs everything appended so far. */
  flush(): void {
    if (this.flushTimer) { clearTimeout(this.flushTimer); this.flushTimer = null; }
    if (this.writePending() || this.unsynced) this.syncSoon();
    if (fstatSync(this.fd).size > MAX_FILE_BYTES) this.rotate();
  }

  /**
   * Writes what was appended (a crash of this process then keeps it); the timer's flush makes it
   * durable. A refused write (full disk) keeps the events queued and tries again in a second; the
   * queue is bounded (the oldest go first), and the history in memory is untouched.
   */
  writePending(): boolean {
    if (this.pending.length === 0) return false;
    const data = this.pending.join('');
    try {
      writeSync(this.fd, data);
    } catch (err) {
      this.pending = [data];
      if (data.length > MAX_PENDING_CHARS) this.pending = [data.slice(data.indexOf('\n', data.length - MAX_PENDING_CHARS) + 1)];
      this.flushTimer ??= setTimeout(() => this.flush(), WRITE_RETRY_MS);
      this.onWriteError(err as Error);
      return false;
    }
    this.pending = [];
    this.unsynced = true;
    return true;
  }

  query(filter: { type?: string; app?: string; limit?: number }): BulwarkEvent[] {
    const limit = filter.limit ?? 100;
    const out: BulwarkEvent[] = [];
    for (let i = this.recent.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.recent[i]!;
      if (matches(e, filter)) out.push(e);
    }
    return out.reverse();
  }

  follow(fn: (e: BulwarkEvent) => void): () => void {
    this.followers.add(fn);
    return () => this.followers.delete(fn);
  }

  close(): void {
    this.flush();
    fdatasyncSync(this.fd);
    this.closed = true;
    this.retire(this.fd);
  }

  /** Group commit: one fdatasync at a time; one more after it if writes came in meanwhile. */
  private syncSoon(): void {
    this.unsynced = false;
    if (this.syncing) {
      this.resync = true;
      return;
    }
    this.syncing = true;
    // A failed sync is not retried on its own: the next flush syncs again.
    fdatasync(this.fd, () => {
      this.syncing = false;
      if (this.closeAfterSync >= 0) {
        closeSync(this.closeAfterSync);
        this.closeAfterSync = -1;
      }
      if (this.resync && !this.closed) {
        this.resync = false;
        this.syncSoon();
      }
    });
  }

  /** Closes `fd` now, or once the fdatasync running on it is done (closing under it could sync a reused fd). */
  private retire(fd: number): void {
    if (this.syncing) this.closeAfterSync = fd;
    else closeSync(fd);
  }

  private rotate(): void {
    fdatasyncSync(this.fd);
    this.retire(this.fd);
    renameSync(this.file, `${this.file}.1`);
    this.fd = openOwnFile(this.file, 'append');
  }

  private loadTail(): void {
    this.recent.push(...readRecentEvents(this.file).events);
  }
}

/**
 * The latest events in a history file (what the daemon keeps in memory), and the file size they
 * end at; also how `events` reads the history while the daemon is down.
 */
export function readRecentEvents(file: string): { events: BulwarkEvent[]; size: number } {
  if (!existsSync(file)) return { events: [], size: 0 };
  const size = statSync(file).size;
  if (size === 0) return { events: [], size: 0 };
  const start = Math.max(0, size - LOAD_TAIL_BYTES);
  const buf = Buffer.alloc(size - start);
  const fd = openOwnFile(file, 'read'); // `events` reads it without the daemon too: never through a link
  try { readSync(fd, buf, 0, buf.length, start); } finally { closeSync(fd); }
  const lines = buf.toString('utf8').split('\n');
  if (start > 0) lines.shift(); // partial first line
  const events: BulwarkEvent[] = [];
  for (const line of lines.slice(-RECENT)) {
    if (!line) continue;
    try { events.push(JSON.parse(line) as BulwarkEvent); } catch { /* torn last write after a crash */ }
  }
  return { events, size: start + buf.lastIndexOf(10) + 1 }; // up to the last whole line
}

/** The history file in a state dir. */
export function eventsFile(stateDir: string): string {
  return join(stateDir, 'events.jsonl');
}

export function matches(e: BulwarkEvent, f: { type?: string; app?: string }): boolean {
  return (!f.type || e.type === f.type || e.kind === f.type || e.kind.startsWith(`${f.type}.`)) && (!f.app || e.app === f.app);
}
