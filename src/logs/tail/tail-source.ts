// TailSource: follows the files of `logs.tail` by identity (device, inode and the hash of their
// first bytes), not by name, so rename+create, copytruncate and delete+recreate rotations lose
// nothing, and a restart (even after SIGKILL) resumes where the consumer last wrote or committed.
//
// This file is the source: discovery (listing and watching), restoring saved offsets, orphans
// (files that lost their place and wait for their copy), scheduling and state. Reading one file is
// FollowedFile's job. A full pass does everything: list the files matching the patterns, read
// every followed file that changed to EOF, then look at files not followed yet. Directory events
// (dir-watcher.ts) say "look now", naming the file where they can; an event naming a followed file
// that was written reads just that file. When, and which kind of pass, is pass-scheduler.ts's
// decision: passes are serialised, a burst of events costs one, and a poll covers the events that
// never come.
import { fstatSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Stats } from 'node:fs';
import { MAX_LINE_BYTES } from '../../common/line-splitter.js';
import { TailError } from './errors.js';
import { FINGERPRINT_BYTES, fingerprint, readHead } from './fingerprint.js';
import { DirWatcher, type DirChange } from './dir-watcher.js';
import { CHUNK_BYTES, FollowedFile, closeQuietly, type Listed } from './followed-file.js';
import { compilePattern, listMatches, matchesPattern, mayContainMatches, type FilePattern } from './glob.js';
import { OffsetStore, type OffsetRecord } from './offset-store.js';
import { PassScheduler } from './pass-scheduler.js';

export interface TailBatch {
  app: string;
  /** The name the file had when first followed (e.g. app.log, also for lines read after it became app.log.1). */
  path: string;
  lines: string[];
  /** Bytes the lines took in the file. */
  bytes: number;
  /** Date.now() when the bytes were read. */
  readAt: number;
  /** Call once the batch is written where a crash of this process cannot lose it: after such a crash in this boot, reading resumes after it. */
  written(): void;
  /** Call once the batch is durable (survives a power loss): its end becomes the resume offset (persisted). */
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
  /** Fallback poll, for events that never come (default 250 ms; it slows to 8x while nothing changes). */
  pollMs?: number;
  /** Watch directories for changes (default true); false polls only (file systems without inotify). */
  watch?: boolean;
  /** Longer lines are cut to this many bytes, marked and counted (default 64 KB). */
  maxLine?: number;
  /** Files found at the very first start (no saved state yet): read from their start (default) or end. */
  startAt?: 'start' | 'end';
  /** A file that left the patterns (renamed away, deleted) is still read until idle this long (default 5 s). */
  rotateWaitMs?: number;
  /** A fully read file unchanged this long gives its descriptor back until it changes (default 60 s). */
  idleCloseMs?: number;
  onError?(err: TailError): void;
}

export interface TailStats {
  files: number;
  /** Followed files holding a descriptor now. */
  openFiles: number;
  lines: number;
  truncated: number;
  rotations: number;
  /** Passes that listed every file, and passes that read only the files events named. */
  fullPasses: number;
  lightPasses: number;
}

/** Unread bytes of a file that lost its place (truncated in place, or missing at start), waiting for a copy. */
interface Orphan {
  record: OffsetRecord;
  emitted: number;
}

/** Reading yields to the event loop after this long (a big backlog must not starve the daemon's timers and sockets). */
const YIELD_AFTER_MS = 5;
/**
 * The state file (every followed file, replaced by rename: 2-5 ms on ext4) is rewritten at most this
 * often, plus 1 ms per 50 files (a 5,000-file glob writes ~1 MB). Offsets that move go to the mark
 * file at once (one in-place write, in the same tick as the consumer marked the batch), so a SIGKILL
 * re-reads almost nothing.
 */
const SAVE_EVERY_MS = 1000;
const FILES_PER_SAVE_MS = 50;
const ORPHAN_TTL_MS = 10 * 60_000;
const MAX_ORPHANS = 64;

export class TailSource {
  private readonly app: string;
  private readonly patterns: FilePattern[];
  private readonly watchDirs: string[];
  private readonly pollMs: number;
  private readonly useWatcher: boolean;
  private readonly maxLine: number;
  private readonly startAt: 'start' | 'end';
  private readonly rotateWaitMs: number;
  private readonly idleCloseMs: number;
  private readonly store: OffsetStore;
  private readonly onBatch: TailSourceOptions['onBatch'];
  private readonly onError: (err: TailError) => void;

  private readonly followed = new Map<string, FollowedFile>();
  /** Followed files by the name the last full pass listed them under (what events name). */
  private byPath = new Map<string, FollowedFile>();
  private orphans: Orphan[] = [];
  /** Records loaded at start, matched to files by the first pass. */
  private restored: OffsetRecord[] | undefined;
  private firstRun = false;
  private firstPassDone = false;
  private readonly reportedPaths = new Set<string>();

  private watcher: DirWatcher | undefined;
  private readonly watchedDirs = new Set<string>();
  private readonly passes: PassScheduler<FollowedFile>;
  private started = false;
  private stopping = false;
  /** stop() wrote the final state: a late commit of a batch must not overwrite a successor's. */
  private stopped = false;
  private stateChanged = false;
  /** Records whose offsets moved since the state file was last written (they are in the mark file). */
  private readonly moved = new Set<OffsetRecord>();
  private savedAt = 0;
  private saveTimer: NodeJS.Timeout | undefined;

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
    this.maxLine = positiveInt('maxLine', opts.maxLine, MAX_LINE_BYTES);
    this.rotateWaitMs = positiveInt('rotateWaitMs', opts.rotateWaitMs, 5000);
    this.idleCloseMs = positiveInt('idleCloseMs', opts.idleCloseMs, 60_000);
    if (opts.startAt !== undefined && opts.startAt !== 'start' && opts.startAt !== 'end') {
      throw new TailError('ETAIL_OPTIONS', `startAt must be "start" or "end", got ${JSON.stringify(opts.startAt)}`);
    }
    this.startAt = opts.startAt ?? 'start';
    this.useWatcher = opts.watch ?? true;
    this.app = opts.app;
    this.patterns = opts.patterns.map((p) => compilePattern(p, opts.cwd));
    this.watchDirs = [...new Set(this.patterns.map((p) => p.watchDir))];
    this.store = new OffsetStore(opts.stateDir, opts.app);
    this.onBatch = opts.onBatch;
    this.onError = opts.onError ?? (() => {});
    this.passes = new PassScheduler<FollowedFile>({
      pollMs: this.pollMs,
      fullPass: () => this.onePass(),
      lightPass: (files) => this.readChanged(files),
      onError: (err) => this.report(err),
    });
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
    await this.passes.full();
    this.passes.poll();
  }

  /** Looks at the files now (a reload, a hint from outside); resolves after one whole pass. */
  async rescan(): Promise<void> {
    if (!this.started || this.stopping) return;
    await this.passes.full();
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.saveTimer);
    await this.watcher?.close();
    await this.passes.stop();
    for (const f of this.followed.values()) f.close();
    if (this.started) this.saveState();
    this.followed.clear();
    this.stopped = true;
    this.store.close();
  }

  stats(): TailStats {
    let openFiles = 0;
    for (const f of this.followed.values()) if (f.isOpen) openFiles++;
    return { files: this.followed.size, openFiles, lines: this.lineCount, truncated: this.truncatedCount, rotations: this.rotationCount,
      fullPasses: this.passes.counts.full, lightPasses: this.passes.counts.light };
  }

  /** Per followed file (by its first name): bytes written to it that were not handed on yet. One stat each, on demand. */
  lag(): { path: string; bytes: number }[] {
    const out: { path: string; bytes: number }[] = [];
    for (const f of this.followed.values()) {
      const size = f.size();
      if (size !== null) out.push({ path: f.record.path, bytes: Math.max(0, size - f.emittedPos) });
    }
    return out;
  }

  // ---- one pass: list, read followed files, consider new ones --------------------------------

  private async onePass(): Promise<void> {
    if (this.stopping) return;
    const now = Date.now();
    await this.watchExistingDirs(false);
    const listing = this.list();
    const initial = !this.firstPassDone;
    this.firstPassDone = true;
    if (initial) this.restore(listing, now);

    const seen = new Map<FollowedFile, Listed | undefined>();
    for (const f of this.followed.values()) {
      const l = listing.get(f.key);
      seen.set(f, l);
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
    for (const [f, l] of seen) {
      if (this.stopping) return;
      if (!f.mayHaveNews(l)) continue;
      if (!f.isOpen) {
        // Closed while idle. Gone from the patterns: finish() forgets it (it was read to its end).
        if (!l) continue;
        if (!f.reopen()) { this.passes.lookAgain(); continue; } // its name means another file now
      }
      this.passes.foundNews();
      if (await this.drain(f)) f.noteSeen(l);
    }
    for (const [key, l] of listing) {
      if (this.stopping) return;
      const f = this.consider(key, l, initial);
      if (f) {
        this.passes.foundNews();
        if (await this.drain(f)) f.noteSeen(l);
      }
    }
    for (const f of [...this.followed.values()]) {
      if (this.stopping) return;
      if (!f.listed && now - f.lastActivity >= this.rotateWaitMs) await this.finish(f);
      else if (f.listed && f.isOpen && now - f.lastActivity >= this.idleCloseMs && f.retryAt <= now) f.close();
    }
    this.pruneOrphans(now);
    if (this.stateChanged) this.saveState(); // files came, went or changed identity: written now
    this.byPath = new Map();
    for (const f of this.followed.values()) if (f.listed) this.byPath.set(f.path, f);
  }

  /** The followed file a directory event says was written (undefined: anything else, a full pass). */
  private writtenFile(change: DirChange | undefined): FollowedFile | undefined {
    if (change?.kind !== 'change') return undefined;
    return this.byPath.get(join(change.dir, change.name));
  }

  /** A light pass: read the files events named as written, nothing else. */
  private async readChanged(files: FollowedFile[]): Promise<void> {
    const rotations = this.rotationCount;
    for (const f of files) {
      if (this.stopping) return;
      if (this.followed.get(f.key) !== f || !f.listed) continue; // gone or rotated away since
      if (!f.isOpen && !f.reopen()) { this.passes.lookAgain(); continue; }
      await this.drain(f);
    }
    // A truncation is written at once (as a full pass does); a longer fingerprint can wait for
    // the next save (the mark file holds the offsets meanwhile).
    if (this.rotationCount !== rotations) this.saveState();
    else if (this.stateChanged) this.saveSoon();
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
      if (!listing.has(key)) listing.set(key, { path, size: Number(st.size), dev, ino, mtimeNs: st.mtimeNs });
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
      const head = Buffer.allocUnsafe(FINGERPRINT_BYTES);
      const headLen = readHead(fd, head);
      // After a crash in this boot, `written` (what the consumer wrote) is where it stopped.
      const resume = resumeAt(r);
      const same = headLen >= r.fpLen && fingerprint(head, r.fpLen) === r.fp && l.size >= resume;
      if (same) {
        this.follow(l, fd, r, head, headLen, resume);
      } else {
        // Same inode, other content: truncated or replaced while we were down. All of it is new.
        left.push(r);
        this.follow(l, fd, newRecord(l, head, headLen), head, headLen, 0);
      }
    }
    for (const r of left) {
      if (r.offset > 0 && r.fpLen > 0) { r.orphanedAt ??= now; this.orphans.push({ record: r, emitted: resumeAt(r) }); }
    }
    this.stateChanged = true;
  }

  /** A file not followed yet: a copy of a followed one (wait), the copy of an orphan (continue it), or new. */
  private consider(key: string, l: Listed, initial: boolean): FollowedFile | undefined {
    if (l.size === 0) return undefined; // nothing to read; decide once it has bytes
    const fd = this.open(l);
    if (fd === undefined) return undefined;
    const head = Buffer.allocUnsafe(FINGERPRINT_BYTES);
    let headLen: number;
    try { headLen = readHead(fd, head); } catch (err) { this.readFailed(l.path, err); closeQuietly(fd); return undefined; }
    if (headLen === 0) { closeQuietly(fd); return undefined; }

    for (const f of this.followed.values()) {
      if (!f.sharesPrefixWith(head, headLen)) continue;
      // Same first bytes as a followed file: a copytruncate copy made before the truncate
      // (every byte of it is also in the original, which we read), or a file that merely starts alike.
      if (f.reopen() && f.tailsAgree(fd, l.size)) { closeQuietly(fd); return undefined; }
      // Not a prefix of the original now. If the original was truncated meanwhile, this is its copy.
      if (!f.intact()) { this.truncated(f); this.passes.lookAgain(); }
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
      if (r.written !== undefined) r.written = Math.min(r.written, l.size);
      const f = this.follow(l, fd, r, head, headLen, from);
      f.rotated = true;
      return f;
    }

    // startAt applies only to files found by the very first pass of the very first run; anything
    // that appears later (or while we were down, once state exists) is read from its start.
    const from = initial && this.firstRun && this.startAt === 'end' ? endOfLastLine(fd, l.size) : 0;
    return this.follow(l, fd, newRecord(l, head, headLen), head, headLen, from);
  }

  private follow(l: Listed, fd: number, record: OffsetRecord, head: Buffer, headLen: number, from: number): FollowedFile {
    const f = new FollowedFile(l, fd, record, head, headLen, from, this.maxLine, () => { this.stateChanged = true; });
    this.followed.set(f.key, f);
    this.stateChanged = true;
    return f;
  }

  // ---- reading ------------------------------------------------------------------------------

  /** Reads f to EOF, handing each chunk's complete lines to onBatch and waiting for it; true if it got there. */
  private async drain(f: FollowedFile): Promise<boolean> {
    if (f.retryAt > Date.now()) return false;
    let since = performance.now();
    for (;;) {
      if (this.stopping) return false;
      const lines: string[] = [];
      const from = f.emittedPos;
      const cut = f.truncatedLines;
      try {
        const outcome = f.read(lines);
        if (outcome === 'truncated') { this.truncated(f); continue; }
        if (outcome === 'eof') return true;
      } catch (err) {
        this.readFailed(f.path, err);
        f.retryAt = Date.now() + this.pollMs;
        return false;
      }
      this.truncatedCount += f.truncatedLines - cut;
      if (lines.length > 0 && !(await this.deliver(f, lines, from))) return false;
      if (performance.now() - since >= YIELD_AFTER_MS) {
        await yieldToEventLoop();
        since = performance.now();
      }
    }
  }

  /** Hands lines on; on failure rewinds so they are read (and offered) again on a later pass. */
  private async deliver(f: FollowedFile, lines: string[], from: number): Promise<boolean> {
    const record = f.record;
    const end = f.emittedPos;
    const batch: TailBatch = {
      app: this.app, path: record.path, lines, bytes: end - from, readAt: Date.now(),
      written: () => this.checkpoint(record, end),
      commit: () => this.commit(record, end),
    };
    try {
      const pending = this.onBatch(batch);
      // A consumer that returns nothing may still mark the batch from a promise (once its sink
      // wrote it): let the event loop turn before the next chunk is read, so those marks are made
      // before more is read (a SIGKILL then re-reads at most this batch).
      await (pending ?? yieldToEventLoop());
    } catch (err) {
      this.onError(new TailError('ETAIL_CONSUMER', `onBatch failed for ${record.path}; the lines will be offered again: ${(err as Error).message}`, record.path, { cause: err }));
      f.rewind(from);
      f.retryAt = Date.now() + this.pollMs;
      return false;
    }
    this.lineCount += lines.length;
    return true;
  }

  private checkpoint(record: OffsetRecord, end: number): void {
    if (end <= resumeAt(record)) return;
    record.written = end;
    this.mark(record);
  }

  private commit(record: OffsetRecord, end: number): void {
    if (end <= record.offset) return;
    record.offset = end;
    if (record.written !== undefined && record.written <= end) delete record.written;
    this.mark(record);
  }

  /** Records a moved offset at once in the mark file; the state file follows later (or now, if they do not fit). */
  private mark(record: OffsetRecord): void {
    if (this.stopped) return;
    this.moved.add(record);
    let marked = false;
    try { marked = this.store.saveMarks(this.moved); } catch (err) { this.report(err); }
    if (marked) this.saveSoon();
    else this.saveState();
  }

  /** The state file, for offsets that moved: at most every SAVE_EVERY_MS (the mark file has them meanwhile). */
  private saveSoon(): void {
    const wait = SAVE_EVERY_MS + Math.floor((this.followed.size + this.orphans.length) / FILES_PER_SAVE_MS) - (Date.now() - this.savedAt);
    if (wait <= 0) this.saveState();
    else this.saveTimer ??= setTimeout(() => { this.saveTimer = undefined; if (this.moved.size > 0 || this.stateChanged) this.saveState(); }, wait);
  }

  /** A followed file left the patterns long ago: hand on its unterminated last line, close it, forget it. */
  private async finish(f: FollowedFile): Promise<void> {
    if (f.isOpen && !(await this.drain(f))) return;
    if (this.stopping || f.retryAt > Date.now()) return;
    const lines: string[] = [];
    const from = f.emittedPos;
    f.flushPartial(lines);
    if (lines.length > 0 && !(await this.deliver(f, lines, from))) return;
    f.close();
    this.followed.delete(f.key);
    this.stateChanged = true;
  }

  /** f was truncated (copytruncate) or rewritten in place: keep its unread part as an orphan, restart at 0. */
  private truncated(f: FollowedFile): void {
    this.rotationCount++;
    const emitted = f.emittedPos;
    const old = f.restart();
    if (emitted > 0 && old.fpLen > 0) {
      old.orphanedAt = Date.now();
      this.orphans.push({ record: old, emitted });
    }
    this.stateChanged = true;
  }

  private markRotated(f: FollowedFile): void {
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
    if (this.stopped) return;
    this.stateChanged = false;
    this.savedAt = Date.now();
    if (this.saveTimer) { clearTimeout(this.saveTimer); this.saveTimer = undefined; }
    try {
      this.store.save(this.records());
      this.moved.clear();
    } catch (err) {
      this.report(err);
    }
  }

  private records(): OffsetRecord[] {
    const records: OffsetRecord[] = [];
    for (const f of this.followed.values()) records.push(f.record);
    for (const o of this.orphans) records.push(o.record);
    return records;
  }

  private async watchExistingDirs(waitReady: boolean): Promise<void> {
    if (!this.useWatcher) return;
    this.watcher?.check();
    const fresh = this.watchDirs.filter((d) => !this.watchedDirs.has(d) && isDirectory(d));
    if (fresh.length === 0) return;
    for (const d of fresh) this.watchedDirs.add(d);
    this.watcher ??= new DirWatcher({
      depth: Math.max(...this.patterns.map((p) => p.depth)),
      ignored: (path, stats) => this.ignored(path, stats),
      onChange: (change) => this.passes.event(this.writtenFile(change)),
      onError: (err, dir) => this.onError(new TailError('ETAIL_WATCH', `watching ${dir} failed (polling continues): ${err.message}`, undefined, { cause: err })),
      onGone: (dir) => this.watchedDirs.delete(dir),
    });
    const ready = this.watcher.add(fresh);
    if (waitReady) await ready;
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
    this.passes.lookAgain(); // look again at what the name means now
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

/** Where reading resumes: after what the consumer wrote (trusted only in its boot, see offset-store.ts), else after what it made durable. */
function resumeAt(r: OffsetRecord): number {
  return Math.max(r.offset, r.written ?? 0);
}

function newRecord(l: Listed, head: Buffer, headLen: number): OffsetRecord {
  return { dev: l.dev, ino: l.ino, fp: fingerprint(head, headLen), fpLen: headLen, offset: 0, path: l.path };
}

/** Where reading starts for startAt "end": after the last complete line (a partial one is read once finished). */
function endOfLastLine(fd: number, size: number): number {
  const from = Math.max(0, size - CHUNK_BYTES);
  const buf = Buffer.allocUnsafe(size - from);
  try {
    const n = readSync(fd, buf, 0, size - from, from);
    const nl = buf.lastIndexOf(10, n - 1);
    return nl === -1 ? size : from + nl + 1;
  } catch {
    return size;
  }
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) throw new TailError('ETAIL_OPTIONS', `${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

function isDirectory(path: string): boolean {
  try { return statSync(path).isDirectory(); } catch { return false; }
}
