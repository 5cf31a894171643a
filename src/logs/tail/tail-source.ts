// TailSource: follows the files of `logs.tail` by identity (device, inode and the hash of their
// first bytes), not by name, so rename+create, copytruncate and delete+recreate rotations lose
// nothing, and a restart (even after SIGKILL) resumes where the consumer last committed.
//
// One loop does everything: list the files matching the patterns, read every followed file to
// EOF, then look at files not followed yet. Directory events (chokidar, depth-limited, filtered)
// only say "look now"; a short poll covers the events that never come. Each pass is serialised,
// so a burst of events costs one pass, and reads always go to EOF.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { watch, type FSWatcher } from 'chokidar';
import type { Stats } from 'node:fs';
import { TailError } from './errors.js';
import { FINGERPRINT_BYTES, fingerprint, readHead, samePrefix } from './fingerprint.js';
import { compilePattern, listMatches, matchesPattern, mayContainMatches, type FilePattern } from './glob.js';
import { DEFAULT_MAX_LINE, LineSplitter } from './line-splitter.js';
import { OffsetStore, type OffsetRecord } from './offset-store.js';

export interface TailBatch {
  app: string;
  /** The name the file had when first followed (e.g. app.log, also for lines read after it became app.log.1). */
  path: string;
  lines: string[];
  /** Bytes the lines took in the file. */
  bytes: number;
  /** Date.now() when the bytes were read. */
  readAt: number;
  /** Call once the batch is durably accepted: its end becomes the resume offset (persisted). */
  commit(): void;
}

export interface TailSourceOptions {
  app: string;
  /** Paths or globs (`*`, `?`, `**`), relative to cwd. Include rotated names (app.log*) for copytruncate. */
  patterns: string[];
  cwd: string;
  /** Where tail-<app>.json (the committed offsets) lives. */
  stateDir: string;
  /** Called per read chunk; a returned Promise holds further reading until it settles. */
  onBatch(b: TailBatch): void | Promise<void>;
  /** Fallback poll, for events that never come (default 250 ms). */
  pollMs?: number;
  /** Longer lines are cut to this many bytes, marked and counted (default 64 KB). */
  maxLine?: number;
  /** Files found at the very first start (no saved state yet): read from their start (default) or end. */
  startAt?: 'start' | 'end';
  /** A file that left the patterns (renamed away, deleted) is still read until idle this long (default 5 s). */
  rotateWaitMs?: number;
  onError?(err: TailError): void;
}

export interface TailStats {
  files: number;
  lines: number;
  truncated: number;
  rotations: number;
}

/** A file being followed, by identity. */
interface Followed {
  key: string;
  fd: number;
  record: OffsetRecord;
  /** The first bytes as last verified; a change means the file was truncated or rewritten in place. */
  head: Buffer;
  headLen: number;
  readPos: number;
  /** End of the last line handed to onBatch (readPos minus the held partial line). */
  emittedPos: number;
  splitter: LineSplitter;
  /** Current name (or the last one seen, once it left the patterns). */
  path: string;
  listed: boolean;
  /** Already counted as rotated (its original name now means another file, or nothing). */
  rotated: boolean;
  lastActivity: number;
  retryAt: number;
}

/** Unread bytes of a file that lost its place (truncated in place, or missing at start), waiting for a copy. */
interface Orphan {
  record: OffsetRecord;
  emitted: number;
}

interface Listed {
  path: string;
  size: number;
  dev: string;
  ino: string;
}

const CHUNK_BYTES = 64 * 1024;
/** Reading yields to the event loop after this many chunks (a big backlog must not starve the daemon). */
const CHUNKS_PER_YIELD = 16;
/** Events within this window share one pass. */
const COALESCE_MS = 10;
const ORPHAN_TTL_MS = 10 * 60_000;
const MAX_ORPHANS = 64;

export class TailSource {
  private readonly app: string;
  private readonly patterns: FilePattern[];
  private readonly watchDirs: string[];
  private readonly pollMs: number;
  private readonly maxLine: number;
  private readonly startAt: 'start' | 'end';
  private readonly rotateWaitMs: number;
  private readonly store: OffsetStore;
  private readonly onBatch: TailSourceOptions['onBatch'];
  private readonly onError: (err: TailError) => void;

  private readonly followed = new Map<string, Followed>();
  private orphans: Orphan[] = [];
  /** Records loaded at start, matched to files by the first pass. */
  private restored: OffsetRecord[] | undefined;
  private firstRun = false;
  private firstPassDone = false;
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private readonly scratchHead = Buffer.allocUnsafe(FINGERPRINT_BYTES);
  private readonly candidateHead = Buffer.allocUnsafe(FINGERPRINT_BYTES);
  private readonly scratchA = Buffer.allocUnsafe(FINGERPRINT_BYTES);
  private readonly scratchB = Buffer.allocUnsafe(FINGERPRINT_BYTES);
  private readonly reportedPaths = new Set<string>();

  private watcher: FSWatcher | undefined;
  private readonly watchedDirs = new Set<string>();
  private pollTimer: NodeJS.Timeout | undefined;
  private passTimer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private passAgain = false;
  private started = false;
  private stopping = false;
  private stateChanged = false;

  private lineCount = 0;
  private truncatedCount = 0;
  private rotationCount = 0;

  constructor(opts: TailSourceOptions) {
    if (typeof opts.app !== 'string' || !/^[A-Za-z0-9._-]+$/.test(opts.app)) {
      throw new TailError('ETAIL_OPTIONS', `app must match [A-Za-z0-9._-]+, got ${JSON.stringify(opts.app)}`);
    }
    if (!Array.isArray(opts.patterns) || opts.patterns.length === 0) {
      throw new TailError('ETAIL_OPTIONS', `patterns must be a non-empty list of paths or globs, got ${JSON.stringify(opts.patterns)}`);
    }
    if (typeof opts.onBatch !== 'function') throw new TailError('ETAIL_OPTIONS', 'onBatch must be a function');
    this.pollMs = positiveInt('pollMs', opts.pollMs, 250);
    this.maxLine = positiveInt('maxLine', opts.maxLine, DEFAULT_MAX_LINE);
    this.rotateWaitMs = positiveInt('rotateWaitMs', opts.rotateWaitMs, 5000);
    if (opts.startAt !== undefined && opts.startAt !== 'start' && opts.startAt !== 'end') {
      throw new TailError('ETAIL_OPTIONS', `startAt must be "start" or "end", got ${JSON.stringify(opts.startAt)}`);
    }
    this.startAt = opts.startAt ?? 'start';
    this.app = opts.app;
    this.patterns = opts.patterns.map((p) => compilePattern(p, opts.cwd));
    this.watchDirs = [...new Set(this.patterns.map((p) => p.watchDir))];
    this.store = new OffsetStore(opts.stateDir, opts.app);
    this.onBatch = opts.onBatch;
    this.onError = opts.onError ?? (() => {});
  }

  async start(): Promise<void> {
    if (this.started) throw new TailError('ETAIL_OPTIONS', 'TailSource.start() was already called');
    this.started = true;
    try {
      this.restored = this.store.load();
      this.firstRun = this.restored === undefined;
    } catch (err) {
      this.report(err);
      this.restored = [];
    }
    await this.watchExistingDirs(true);
    // The first pass runs before start() resolves: files present now are "first seen at start".
    await this.runPass();
    this.pollTimer = setInterval(() => this.schedulePass(0), this.pollMs);
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.passTimer);
    await this.watcher?.close();
    await this.pass;
    for (const f of this.followed.values()) closeQuietly(f.fd);
    if (this.started) this.saveState();
    this.followed.clear();
  }

  stats(): TailStats {
    return { files: this.followed.size, lines: this.lineCount, truncated: this.truncatedCount, rotations: this.rotationCount };
  }

  /** Per followed file (by its first name): bytes written to it that were not handed on yet. One fstat each, on demand. */
  lag(): { path: string; bytes: number }[] {
    const out: { path: string; bytes: number }[] = [];
    for (const f of this.followed.values()) {
      try {
        out.push({ path: f.record.path, bytes: Math.max(0, fstatSync(f.fd).size - f.emittedPos) });
      } catch { /* closed under us: gone from the next listing */ }
    }
    return out;
  }

  // ---- scheduling -------------------------------------------------------------------------

  private schedulePass(delay: number): void {
    if (this.stopping) return;
    if (this.pass) { this.passAgain = true; return; }
    if (this.passTimer) return;
    this.passTimer = setTimeout(() => {
      this.passTimer = undefined;
      // start() runs its first pass directly, so a timer set by an event during the watcher's
      // start-up can fire while that pass still waits on onBatch: never run two passes at once.
      if (this.pass) { this.passAgain = true; return; }
      void this.runPass();
    }, delay);
  }

  private runPass(): Promise<void> {
    this.pass = this.onePass().catch((err: unknown) => this.report(err)).finally(() => {
      this.pass = undefined;
      if (this.passAgain) { this.passAgain = false; this.schedulePass(COALESCE_MS); }
    });
    return this.pass;
  }

  // ---- one pass: list, read followed files, consider new ones --------------------------------

  private async onePass(): Promise<void> {
    if (this.stopping) return;
    const now = Date.now();
    if (this.watchedDirs.size < this.watchDirs.length) await this.watchExistingDirs(false);
    const listing = this.list();
    const initial = !this.firstPassDone;
    this.firstPassDone = true;
    if (initial) this.restore(listing, now);

    for (const f of this.followed.values()) {
      const l = listing.get(f.key);
      if (l) {
        listing.delete(f.key);
        f.path = l.path;
        if (!f.listed) { f.listed = true; f.lastActivity = now; }
        if (l.path !== f.record.path) this.markRotated(f);
      } else {
        if (f.listed) { f.listed = false; f.lastActivity = now; }
        this.markRotated(f);
      }
    }

    // Old files first: the tail of a rotated file is read before the new file's lines.
    for (const f of [...this.followed.values()]) {
      if (this.stopping) return;
      await this.drain(f);
    }
    for (const [key, l] of listing) {
      if (this.stopping) return;
      const f = this.consider(key, l, initial);
      if (f) await this.drain(f);
    }
    for (const f of [...this.followed.values()]) {
      if (!f.listed && now - f.lastActivity >= this.rotateWaitMs && !this.stopping) await this.finish(f);
    }
    this.pruneOrphans(now);
    if (this.stateChanged) this.saveState();
  }

  private list(): Map<string, Listed> {
    const paths = new Set<string>();
    for (const p of this.patterns) listMatches(p, paths);
    const listing = new Map<string, Listed>();
    for (const path of paths) {
      let st;
      try { st = statSync(path, { bigint: true }); } catch { continue; } // gone since the listing
      if (!st.isFile()) continue;
      const dev = String(st.dev), ino = String(st.ino);
      const key = `${dev}:${ino}`;
      if (!listing.has(key)) listing.set(key, { path, size: Number(st.size), dev, ino });
    }
    return listing;
  }

  /** First pass after start: put saved records back on their files, by inode or by fingerprint. */
  private restore(listing: Map<string, Listed>, now: number): void {
    const records = this.restored ?? [];
    this.restored = undefined;
    const left: OffsetRecord[] = [];
    for (const r of records) {
      const l = r.orphanedAt === undefined ? listing.get(`${r.dev}:${r.ino}`) : undefined;
      if (!l || this.followed.has(`${r.dev}:${r.ino}`)) { left.push(r); continue; }
      const fd = this.open(l);
      if (fd === undefined) { left.push(r); continue; }
      const headLen = readHead(fd, this.scratchHead);
      const same = headLen >= r.fpLen && fingerprint(this.scratchHead, r.fpLen) === r.fp && l.size >= r.offset;
      if (same) {
        this.follow(l, fd, r, this.scratchHead, headLen, r.offset);
      } else {
        // Same inode, other content: truncated or replaced while we were down. All of it is new.
        left.push(r);
        this.follow(l, fd, newRecord(l, this.scratchHead, headLen), this.scratchHead, headLen, 0);
      }
    }
    for (const r of left) {
      if (r.offset > 0 && r.fpLen > 0) { r.orphanedAt ??= now; this.orphans.push({ record: r, emitted: r.offset }); }
    }
    this.stateChanged = true;
  }

  /** A file not followed yet: a copy of a followed one (wait), the copy of an orphan (continue it), or new. */
  private consider(key: string, l: Listed, initial: boolean): Followed | undefined {
    if (l.size === 0) return undefined; // nothing to read; decide once it has bytes
    const fd = this.open(l);
    if (fd === undefined) return undefined;
    const head = this.candidateHead;
    let headLen: number;
    try { headLen = readHead(fd, head); } catch (err) { this.readFailed(l.path, err); closeQuietly(fd); return undefined; }
    if (headLen === 0) { closeQuietly(fd); return undefined; }

    for (const f of this.followed.values()) {
      if (f.headLen === 0 || !samePrefix(f.head, f.headLen, head, headLen)) continue;
      // Same first bytes as a followed file: a copytruncate copy made before the truncate
      // (every byte of it is also in the original, which we read), or a file that merely starts alike.
      if (this.tailsAgree(fd, f, l.size)) { closeQuietly(fd); return undefined; }
      // Not a prefix of the original now. If the original was truncated meanwhile, this is its copy.
      if (!this.intact(f)) { this.truncated(f); this.passAgain = true; }
    }

    for (let i = 0; i < this.orphans.length; i++) {
      const o = this.orphans[i]!;
      const r = o.record;
      if (r.fpLen === 0 || headLen < r.fpLen || fingerprint(head, r.fpLen) !== r.fp) continue;
      this.orphans.splice(i, 1);
      r.dev = l.dev; r.ino = l.ino; r.orphanedAt = undefined;
      // The copy may end before what we already handed on (lines written between copy and truncate).
      const from = Math.min(o.emitted, l.size);
      r.offset = Math.min(r.offset, l.size);
      const f = this.follow(l, fd, r, head, headLen, from);
      f.rotated = true;
      return f;
    }

    // startAt applies only to files found by the very first pass of the very first run; anything
    // that appears later (or while we were down, once state exists) is read from its start.
    const from = initial && this.firstRun && this.startAt === 'end' ? this.endOfLastLine(fd, l.size) : 0;
    return this.follow(l, fd, newRecord(l, head, headLen), head, headLen, from);
  }

  private follow(l: Listed, fd: number, record: OffsetRecord, head: Buffer, headLen: number, from: number): Followed {
    const f: Followed = {
      key: `${l.dev}:${l.ino}`, fd, record, head: Buffer.alloc(FINGERPRINT_BYTES), headLen, readPos: from,
      emittedPos: from, splitter: new LineSplitter(this.maxLine), path: l.path, listed: true, rotated: false,
      lastActivity: Date.now(), retryAt: 0,
    };
    head.copy(f.head, 0, 0, headLen);
    record.fp = fingerprint(f.head, headLen);
    record.fpLen = headLen;
    this.followed.set(f.key, f);
    this.stateChanged = true;
    return f;
  }

  // ---- reading ------------------------------------------------------------------------------

  /** Reads f to EOF, handing each chunk's complete lines to onBatch and waiting for it. */
  private async drain(f: Followed): Promise<void> {
    if (f.retryAt > Date.now()) return;
    let chunks = 0;
    for (;;) {
      if (this.stopping) return;
      let n: number;
      try {
        n = readSync(f.fd, this.chunk, 0, CHUNK_BYTES, f.readPos);
        // Verified after the read: if the first bytes changed, the file was truncated (and maybe
        // refilled) in place, so what we just read may be new content at an old offset. Drop it.
        if (!this.headStillMatches(f)) { this.truncated(f); continue; }
        if (n === 0) {
          if (fstatSync(f.fd).size < f.readPos) { this.truncated(f); continue; }
          return;
        }
      } catch (err) {
        this.readFailed(f.path, err);
        f.retryAt = Date.now() + this.pollMs;
        return;
      }
      const from = f.emittedPos;
      const before = f.splitter.truncated;
      const lines: string[] = [];
      f.readPos += n;
      f.lastActivity = Date.now();
      f.splitter.push(this.chunk, n, lines);
      f.emittedPos = f.readPos - f.splitter.pendingBytes;
      this.truncatedCount += f.splitter.truncated - before;
      if (lines.length > 0 && !(await this.deliver(f, lines, from))) return;
      if (++chunks % CHUNKS_PER_YIELD === 0) await yieldToEventLoop();
    }
  }

  /** Hands lines on; on failure rewinds so they are read (and offered) again on a later pass. */
  private async deliver(f: Followed, lines: string[], from: number): Promise<boolean> {
    const record = f.record;
    const end = f.emittedPos;
    const batch: TailBatch = { app: this.app, path: record.path, lines, bytes: end - from, readAt: Date.now(), commit: () => this.commit(record, end) };
    try {
      const pending = this.onBatch(batch);
      if (pending) await pending;
    } catch (err) {
      this.onError(new TailError('ETAIL_CONSUMER', `onBatch failed for ${record.path}; the lines will be offered again: ${(err as Error).message}`, record.path, { cause: err }));
      f.readPos = from;
      f.emittedPos = from;
      f.splitter.reset();
      f.retryAt = Date.now() + this.pollMs;
      return false;
    }
    this.lineCount += lines.length;
    return true;
  }

  private commit(record: OffsetRecord, end: number): void {
    if (end <= record.offset) return;
    record.offset = end;
    this.saveState();
  }

  /** A followed file left the patterns long ago: hand on its unterminated last line, close it, forget it. */
  private async finish(f: Followed): Promise<void> {
    await this.drain(f);
    if (this.stopping || f.retryAt > Date.now()) return;
    const lines: string[] = [];
    const from = f.emittedPos;
    f.splitter.flush(lines);
    f.emittedPos = f.readPos;
    if (lines.length > 0 && !(await this.deliver(f, lines, from))) return;
    closeQuietly(f.fd);
    this.followed.delete(f.key);
    this.stateChanged = true;
  }

  // ---- identity checks ----------------------------------------------------------------------

  /** Do f's first bytes still read as before? Extends the remembered head while the file is short. */
  private headStillMatches(f: Followed): boolean {
    const len = readHead(f.fd, this.scratchHead);
    if (len < f.headLen || this.scratchHead.compare(f.head, 0, f.headLen, 0, f.headLen) !== 0) return false;
    if (len > f.headLen) {
      this.scratchHead.copy(f.head, f.headLen, f.headLen, len);
      f.headLen = len;
      f.record.fp = fingerprint(f.head, len);
      f.record.fpLen = len;
      this.stateChanged = true;
    }
    return true;
  }

  /** Where reading starts for startAt "end": after the last complete line (a partial one is read once finished). */
  private endOfLastLine(fd: number, size: number): number {
    const from = Math.max(0, size - CHUNK_BYTES);
    try {
      const n = readSync(fd, this.chunk, 0, size - from, from);
      const nl = this.chunk.lastIndexOf(10, n - 1);
      return nl === -1 ? size : from + nl + 1;
    } catch {
      return size;
    }
  }

  private intact(f: Followed): boolean {
    try {
      return this.headStillMatches(f) && fstatSync(f.fd).size >= f.readPos;
    } catch {
      return true; // unreadable now: leave it to drain, which reports it
    }
  }

  /** Is the candidate (size bytes) byte-for-byte the start of f, judged on its last bytes? */
  private tailsAgree(fd: number, f: Followed, size: number): boolean {
    const w = Math.min(FINGERPRINT_BYTES, size);
    try {
      const a = readSync(fd, this.scratchA, 0, w, size - w);
      const b = readSync(f.fd, this.scratchB, 0, w, size - w);
      return a === w && b === w && this.scratchA.compare(this.scratchB, 0, w, 0, w) === 0;
    } catch {
      return false;
    }
  }

  /** f was truncated (copytruncate) or rewritten in place: keep its unread part as an orphan, restart at 0. */
  private truncated(f: Followed): void {
    this.rotationCount++;
    const old = f.record;
    if (f.emittedPos > 0 && old.fpLen > 0) {
      old.orphanedAt = Date.now();
      this.orphans.push({ record: old, emitted: f.emittedPos });
    }
    f.record = { dev: old.dev, ino: old.ino, fp: fingerprint(f.head, 0), fpLen: 0, offset: 0, path: old.path };
    f.headLen = 0;
    f.readPos = 0;
    f.emittedPos = 0;
    f.splitter.reset();
    this.stateChanged = true;
  }

  private markRotated(f: Followed): void {
    if (f.rotated) return;
    f.rotated = true;
    this.rotationCount++;
  }

  private pruneOrphans(now: number): void {
    const before = this.orphans.length;
    this.orphans = this.orphans.filter((o) => now - (o.record.orphanedAt ?? now) < ORPHAN_TTL_MS).slice(-MAX_ORPHANS);
    if (this.orphans.length !== before) this.stateChanged = true;
  }

  // ---- state, watching, errors --------------------------------------------------------------

  private saveState(): void {
    this.stateChanged = false;
    const records: OffsetRecord[] = [];
    for (const f of this.followed.values()) records.push(f.record);
    for (const o of this.orphans) records.push(o.record);
    try { this.store.save(records); } catch (err) { this.report(err); }
  }

  private async watchExistingDirs(waitReady: boolean): Promise<void> {
    const fresh = this.watchDirs.filter((d) => !this.watchedDirs.has(d) && isDirectory(d));
    if (fresh.length === 0) return;
    for (const d of fresh) this.watchedDirs.add(d);
    if (this.watcher) { this.watcher.add(fresh); return; }
    const watcher = watch(fresh, {
      ignoreInitial: true,
      atomic: false, // its unlink+add merging only delays the news; we compare inodes ourselves
      depth: Math.max(...this.patterns.map((p) => p.depth)),
      ignored: (path: string, stats?: Stats) => this.ignored(path, stats),
    });
    this.watcher = watcher;
    // 'raw' (the fs.watch events themselves) because chokidar throttles 'change' to one per 50 ms
    // per file, and a file may live shorter than that under delete+recreate rotation.
    const look = (): void => this.schedulePass(COALESCE_MS);
    watcher.on('all', look);
    watcher.on('raw', look);
    watcher.on('error', (err) => this.onError(new TailError('ETAIL_WATCH', `watching ${fresh.join(', ')} failed (polling continues): ${(err as Error).message}`, undefined, { cause: err })));
    if (waitReady) await new Promise<void>((resolve) => watcher.once('ready', resolve));
  }

  private ignored(path: string, stats?: Stats): boolean {
    if (this.watchedDirs.has(path)) return false;
    if (stats?.isFile()) return !this.patterns.some((p) => matchesPattern(p, path));
    if (stats?.isDirectory()) return !this.patterns.some((p) => mayContainMatches(p, path));
    return !this.patterns.some((p) => matchesPattern(p, path) || mayContainMatches(p, path));
  }

  /** Opens the listed file, if the name still means the same inode (a rotation may have moved it since). */
  private open(l: Listed): number | undefined {
    let fd: number;
    try {
      fd = openSync(l.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.readFailed(l.path, err);
      return undefined;
    }
    try {
      const st = fstatSync(fd, { bigint: true });
      if (String(st.dev) === l.dev && String(st.ino) === l.ino) {
        l.size = Number(st.size); // fresher than the listing's: a copy may have been completed since
        this.reportedPaths.delete(l.path);
        return fd;
      }
    } catch { /* treated as moved */ }
    closeQuietly(fd);
    this.passAgain = true; // look again at what the name means now
    return undefined;
  }

  private readFailed(path: string, err: unknown): void {
    if (this.reportedPaths.has(path)) return; // once per path until it works again
    this.reportedPaths.add(path);
    this.onError(new TailError('ETAIL_READ', `cannot read ${path}: ${(err as Error).message}`, path, { cause: err }));
  }

  private report(err: unknown): void {
    this.onError(err instanceof TailError ? err : new TailError('ETAIL_READ', (err as Error).message, undefined, { cause: err }));
  }
}

function newRecord(l: Listed, head: Buffer, headLen: number): OffsetRecord {
  return { dev: l.dev, ino: l.ino, fp: fingerprint(head, headLen), fpLen: headLen, offset: 0, path: l.path };
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) throw new TailError('ETAIL_OPTIONS', `${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

function isDirectory(path: string): boolean {
  try { return statSync(path).isDirectory(); } catch { return false; }
}

function closeQuietly(fd: number): void {
  try { closeSync(fd); } catch { /* already closed */ }
}
