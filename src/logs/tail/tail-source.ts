// TailSource: follows the files of `logs.tail` by identity (device, inode and the hash of their
// first bytes), not by name, so rename+create, copytruncate and delete+recreate rotations lose
// nothing, and a restart (even after SIGKILL) resumes where the consumer last wrote or committed.
//
// This file composes the parts and runs the passes. A full pass does everything: list the files
// matching the patterns (file-discovery.ts), read every followed file that changed to EOF
// (batch-reader.ts), then look at files not followed yet (followed-set.ts: a copy, an orphan's
// continuation, or new), finish files that left the patterns, close idle ones, and save
// (checkpointer.ts). Directory events say "look now", naming the file where they can; an event
// naming a followed file that was written reads just that file (a light pass). When, and which
// kind of pass, is pass-scheduler.ts's decision: passes are serialised, a burst of events costs
// one, and a poll covers the events that never come.
import { join } from 'node:path';
import { BatchReader } from './batch-reader.js';
import { Checkpointer } from './checkpointer.js';
import type { DirChange } from './dir-watcher.js';
import { ReadFailures, TailError } from './errors.js';
import { FileDiscovery } from './file-discovery.js';
import type { FollowedFile } from './followed-file.js';
import { FollowedSet } from './followed-set.js';
import type { OffsetRecord } from './offset-store.js';
import { PassScheduler } from './pass-scheduler.js';
import { resolveTailOptions, type TailSettings, type TailSourceOptions } from './tail-options.js';

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

export class TailSource {
  private readonly settings: TailSettings;
  /** Aborted by stop(): passes and reads end at their next check. */
  private readonly stopping = new AbortController();
  private readonly checkpointer: Checkpointer;
  private readonly files: FollowedSet;
  private readonly discovery: FileDiscovery;
  private readonly reader: BatchReader;
  private readonly passes: PassScheduler<FollowedFile>;
  /** Records loaded at start, matched to files by the first pass. */
  private restored: OffsetRecord[] | undefined;
  private firstRun = false;
  private firstPassDone = false;
  private started = false;

  constructor(opts: TailSourceOptions) {
    const s = this.settings = resolveTailOptions(opts);
    const readFailures = new ReadFailures(s.onError);
    const report = (err: unknown): void => this.report(err);
    this.checkpointer = new Checkpointer({
      stateDir: s.stateDir, app: s.app, onError: report,
      records: () => this.files.records(),
      recordCount: () => this.files.recordCount(),
    });
    this.files = new FollowedSet({
      maxLine: s.maxLine, readFailures,
      stateChanged: () => this.checkpointer.stateChanged(),
      lookAgain: () => this.passes.lookAgain(),
    });
    this.discovery = new FileDiscovery({
      patterns: s.patterns, watch: s.watch, onError: s.onError,
      onChange: (change) => this.passes.event(this.writtenFile(change)),
    });
    this.reader = new BatchReader({
      app: s.app, retryMs: s.pollMs, maxBatchLines: s.maxBatchLines, onBatch: s.onBatch, onError: s.onError,
      stopping: this.stopping.signal, readFailures, checkpointer: this.checkpointer,
      truncated: (f) => this.files.truncated(f),
    });
    this.passes = new PassScheduler<FollowedFile>({
      pollMs: s.pollMs,
      fullPass: () => this.onePass(),
      lightPass: (files) => this.readChanged(files),
      onError: report,
    });
  }

  async start(): Promise<void> {
    if (this.started) throw new TailError('ETAIL_OPTIONS', 'TailSource.start() was already called');
    this.started = true;
    try {
      this.restored = this.checkpointer.load();
      this.firstRun = this.restored === undefined;
    } catch (err) {
      this.report(err);
      this.restored = [];
    }
    await this.discovery.watchNewDirs(true);
    // The first pass runs before start() resolves: files present now are "first seen at start".
    await this.passes.full();
    this.passes.poll();
  }

  /** Looks at the files now (a reload, a hint from outside); resolves after one whole pass. */
  async rescan(): Promise<void> {
    if (!this.started || this.stopping.signal.aborted) return;
    await this.passes.full();
  }

  async stop(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort();
    this.checkpointer.cancelTimer();
    await this.discovery.close();
    await this.passes.stop();
    this.files.closeAll();
    this.checkpointer.close(this.started);
    this.files.clear();
  }

  stats(): TailStats {
    let openFiles = 0;
    for (const f of this.files.values()) if (f.isOpen) openFiles++;
    return { files: this.files.size, openFiles, lines: this.reader.lines, truncated: this.reader.truncatedLines,
      rotations: this.files.rotations, fullPasses: this.passes.counts.full, lightPasses: this.passes.counts.light };
  }

  /** Per followed file (by its first name): bytes written to it that were not handed on yet. One stat each, on demand. */
  lag(): { path: string; bytes: number }[] {
    const out: { path: string; bytes: number }[] = [];
    for (const f of this.files.values()) {
      const size = f.size();
      if (size !== null) out.push({ path: f.record.path, bytes: Math.max(0, size - f.emittedPos) });
    }
    return out;
  }

  /** A full pass: list, read followed files, consider new ones, finish or close idle ones, save. */
  private async onePass(): Promise<void> {
    const stopping = this.stopping.signal;
    if (stopping.aborted) return;
    const now = Date.now();
    await this.discovery.watchNewDirs(false);
    const listing = this.discovery.list();
    const initial = !this.firstPassDone;
    this.firstPassDone = true;
    if (initial) {
      this.files.restore(this.restored ?? [], listing, now);
      this.restored = undefined;
    }
    const seen = this.files.update(listing, now);

    // Old files first: the tail of a rotated file is read before the new file's lines.
    for (const [f, l] of seen) {
      if (stopping.aborted) return;
      if (!f.mayHaveNews(l)) continue;
      if (!f.isOpen) {
        // Closed while idle. Gone from the patterns: finish() forgets it (it was read to its end).
        if (!l) continue;
        if (!f.reopen()) { this.passes.lookAgain(); continue; } // its name means another file now
      }
      this.passes.foundNews();
      if (await this.reader.drain(f)) f.noteSeen(l);
    }
    // startAt applies only to files found by the very first pass of the very first run; anything
    // that appears later (or while we were down, once state exists) is read from its start.
    const fromEnd = initial && this.firstRun && this.settings.startAt === 'end';
    for (const l of listing.values()) {
      if (stopping.aborted) return;
      const f = this.files.consider(l, fromEnd);
      if (f) {
        this.passes.foundNews();
        if (await this.reader.drain(f)) f.noteSeen(l);
      }
    }
    const { rotateWaitMs, idleCloseMs } = this.settings;
    for (const f of [...this.files.values()]) {
      if (stopping.aborted) return;
      if (!f.listed && now - f.lastActivity >= rotateWaitMs) {
        if (await this.reader.finish(f)) this.files.forget(f);
      } else if (f.listed && f.isOpen && now - f.lastActivity >= idleCloseMs && f.retryAt <= now) {
        f.close();
      }
    }
    this.files.pruneOrphans(now);
    if (this.checkpointer.hasChanges) this.checkpointer.save(); // files came, went or changed identity: written now
    this.files.indexNames();
  }

  /** The followed file a directory event says was written (undefined: anything else, a full pass). */
  private writtenFile(change: DirChange | undefined): FollowedFile | undefined {
    if (change?.kind !== 'change') return undefined;
    return this.files.named(join(change.dir, change.name));
  }

  /** A light pass: read the files events named as written, nothing else. */
  private async readChanged(files: FollowedFile[]): Promise<void> {
    const rotations = this.files.rotations;
    for (const f of files) {
      if (this.stopping.signal.aborted) return;
      if (!this.files.has(f) || !f.listed) continue; // gone or rotated away since
      if (!f.isOpen && !f.reopen()) { this.passes.lookAgain(); continue; }
      await this.reader.drain(f);
    }
    // A truncation is written at once (as a full pass does); a longer fingerprint can wait for
    // the next save (the mark file holds the offsets meanwhile).
    if (this.files.rotations !== rotations) this.checkpointer.save();
    else if (this.checkpointer.hasChanges) this.checkpointer.saveSoon();
  }

  private report(err: unknown): void {
    this.settings.onError(err instanceof TailError ? err : new TailError('ETAIL_READ', (err as Error).message, undefined, { cause: err }));
  }
}
