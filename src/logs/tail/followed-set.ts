// The files a TailSource follows, by identity (device and inode, then their first bytes), and
// what becomes of a listed file not followed yet. At start, saved records go back on their files;
// the ones whose file is gone or changed wait as orphans. Later, a new file is a copytruncate copy
// of a followed file (skipped: we read the original), the copy of an orphan (read on from where it
// stopped), or new (read from its start). Reading the files is batch-reader.ts's job.
import { fstatSync, openSync, readSync } from 'node:fs';
import type { ReadFailures } from './errors.js';
import type { Listed } from './file-discovery.js';
import { FINGERPRINT_BYTES, fingerprint, readHead } from './fingerprint.js';
import { CHUNK_BYTES, FollowedFile, closeQuietly } from './followed-file.js';
import { resumeAt, type OffsetRecord } from './offset-store.js';
import { Orphans } from './orphans.js';

export interface FollowedSetOptions {
  maxLine: number;
  readFailures: ReadFailures;
  /** A record came, went or changed: the state file should be written. */
  stateChanged(): void;
  /** A name meant another file than listed, or a copy was found truncated: list again after this pass. */
  lookAgain(): void;
}

/** A listed file found to be a copy of a followed one, and what both looked like then. */
interface CopyJudgement {
  size: number;
  mtimeNs: bigint;
  original: FollowedFile;
  originalMtimeNs: bigint;
  rotations: number;
}

export class FollowedSet {
  private readonly byKey = new Map<string, FollowedFile>();
  /**
   * Listed files judged copies of a followed one, by `dev:ino`. The judgement stands, and the file
   * is not opened again, until it or its original changes or any followed file rotates. Before,
   * every full pass reopened and compared each: 1,000 idle files alike cost ~2 MB/s of garbage and
   * most of the daemon's idle CPU (bench/scale.ts, "one app tailing this many idle files").
   */
  private readonly copies = new Map<string, CopyJudgement>();
  /** Followed files by the name the last full pass listed them under (what directory events name). */
  private byPath = new Map<string, FollowedFile>();
  private readonly orphans = new Orphans();
  /** Rotations seen: renamed away, deleted, or truncated in place. */
  rotations = 0;

  constructor(private readonly o: FollowedSetOptions) {}

  get size(): number {
    return this.byKey.size;
  }

  values(): IterableIterator<FollowedFile> {
    return this.byKey.values();
  }

  /** Still followed (not finished or replaced since it was looked up)? */
  has(f: FollowedFile): boolean {
    return this.byKey.get(f.key) === f;
  }

  /** The listed followed file under this name, as of the last full pass. */
  named(path: string): FollowedFile | undefined {
    return this.byPath.get(path);
  }

  /**
   * Compares the listing with the followed files: notes their current names, which left the
   * patterns and which were rotated. Removes the followed ones from `listing` (what is left is
   * not followed yet) and returns each followed file with its listing (undefined: unlisted).
   */
  update(listing: Map<string, Listed>, now: number): Map<FollowedFile, Listed | undefined> {
    const seen = new Map<FollowedFile, Listed | undefined>();
    for (const f of this.byKey.values()) {
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
    for (const key of this.copies.keys()) if (!listing.has(key)) this.copies.delete(key); // gone
    return seen;
  }

  /** After a full pass: the names directory events will be matched against. */
  indexNames(): void {
    this.byPath = new Map();
    for (const f of this.byKey.values()) if (f.listed) this.byPath.set(f.path, f);
  }

  /** First pass after start: put saved records back on their files, by inode and fingerprint. */
  restore(records: OffsetRecord[], listing: Map<string, Listed>, now: number): void {
    const left: OffsetRecord[] = [];
    for (const r of records) {
      const l = r.orphanedAt === undefined ? listing.get(`${r.dev}:${r.ino}`) : undefined;
      if (!l || this.byKey.has(`${r.dev}:${r.ino}`)) { left.push(r); continue; }
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
      if (r.offset > 0 && r.fpLen > 0) { r.orphanedAt ??= now; this.orphans.add(r, resumeAt(r)); }
    }
    this.o.stateChanged();
  }

  /**
   * A listed file not followed yet: a copy of a followed one (wait), the copy of an orphan (continue
   * it), or new (followed from its start, or from its end when fromEnd). The followed file, if any.
   */
  consider(l: Listed, fromEnd: boolean): FollowedFile | undefined {
    if (l.size === 0) return undefined; // nothing to read; decide once it has bytes
    if (this.stillACopy(l)) return undefined;
    const fd = this.open(l);
    if (fd === undefined) return undefined;
    const head = Buffer.allocUnsafe(FINGERPRINT_BYTES);
    let headLen: number;
    try { headLen = readHead(fd, head); } catch (err) { this.o.readFailures.report(l.path, err); closeQuietly(fd); return undefined; }
    if (headLen === 0) { closeQuietly(fd); return undefined; }

    for (const f of this.byKey.values()) {
      if (!f.sharesPrefixWith(head, headLen)) continue;
      // Same first bytes as a followed file: a copytruncate copy made before the truncate
      // (every byte of it is also in the original, which we read), or a file that merely starts alike.
      if (f.reopen() && f.tailsAgree(fd, l.size)) {
        closeQuietly(fd);
        this.copies.set(l.key, { size: l.size, mtimeNs: l.mtimeNs, original: f, originalMtimeNs: f.seenMtime, rotations: this.rotations });
        return undefined;
      }
      // Not a prefix of the original now. If the original was truncated meanwhile, this is its copy.
      if (!f.intact()) { this.truncated(f); this.o.lookAgain(); }
    }

    const o = this.orphans.claim(head, headLen);
    if (o) {
      const r = o.record;
      r.dev = l.dev; r.ino = l.ino; r.orphanedAt = undefined;
      // The copy may end before what we already handed on (lines written between copy and truncate).
      const from = Math.min(o.emitted, l.size);
      r.offset = Math.min(r.offset, l.size);
      if (r.written !== undefined) r.written = Math.min(r.written, l.size);
      const f = this.follow(l, fd, r, head, headLen, from);
      f.rotated = true;
      return f;
    }

    const from = fromEnd ? endOfLastLine(fd, l.size) : 0;
    return this.follow(l, fd, newRecord(l, head, headLen), head, headLen, from);
  }

  /** f was truncated (copytruncate) or rewritten in place: keep its unread part as an orphan, restart at 0. */
  truncated(f: FollowedFile): void {
    this.rotations++;
    const emitted = f.emittedPos;
    const old = f.restart();
    if (emitted > 0 && old.fpLen > 0) {
      old.orphanedAt = Date.now();
      this.orphans.add(old, emitted);
    }
    this.o.stateChanged();
  }

  /** f was read to its end after leaving the patterns (and is closed): it is no longer followed. */
  forget(f: FollowedFile): void {
    this.byKey.delete(f.key);
    this.o.stateChanged();
  }

  pruneOrphans(now: number): void {
    if (this.orphans.prune(now)) this.o.stateChanged();
  }

  /** Every record to save: the followed files', then the orphans'. */
  records(): OffsetRecord[] {
    const records: OffsetRecord[] = [];
    for (const f of this.byKey.values()) records.push(f.record);
    return records.concat(this.orphans.records());
  }

  recordCount(): number {
    return this.byKey.size + this.orphans.size;
  }

  closeAll(): void {
    for (const f of this.byKey.values()) f.close();
  }

  clear(): void {
    this.byKey.clear();
  }

  private follow(l: Listed, fd: number, record: OffsetRecord, head: Buffer, headLen: number, from: number): FollowedFile {
    const f = new FollowedFile(l, fd, record, head, headLen, from, this.o.maxLine, () => this.o.stateChanged());
    this.byKey.set(f.key, f);
    this.o.stateChanged();
    return f;
  }

  private markRotated(f: FollowedFile): void {
    if (f.rotated) return;
    f.rotated = true;
    this.rotations++;
  }

  private stillACopy(l: Listed): boolean {
    const j = this.copies.get(l.key);
    if (j === undefined) return false;
    if (j.size === l.size && j.mtimeNs === l.mtimeNs && j.rotations === this.rotations && this.has(j.original) && j.original.seenMtime === j.originalMtimeNs) return true;
    this.copies.delete(l.key);
    return false;
  }

  /** Opens the listed file, if the name still means the same inode (a rotation may have moved it since). */
  private open(l: Listed): number | undefined {
    let fd: number;
    try {
      fd = openSync(l.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.o.readFailures.report(l.path, err);
      return undefined;
    }
    try {
      const st = fstatSync(fd, { bigint: true });
      if (String(st.dev) === l.dev && String(st.ino) === l.ino) {
        l.size = Number(st.size); // fresher than the listing's: a copy may have been completed since
        this.o.readFailures.cleared(l.path);
        return fd;
      }
    } catch { /* treated as moved */ }
    closeQuietly(fd);
    this.o.lookAgain(); // look again at what the name means now
    return undefined;
  }
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
