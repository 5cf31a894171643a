// Where each followed file's committed offset is kept: one small JSON file per app in stateDir,
// replaced atomically (write tmp, rename) so a crash leaves either the old or the new version.
// Two offsets per file: `offset`, after lines the consumer made durable (fdatasync: survives a
// power loss), and `written`, after lines it wrote (survives a crash of this process). `written`
// is trusted only in the boot that recorded it, so a SIGKILL re-reads almost nothing and a reboot
// falls back to `offset` (issue 16: duplicates after a SIGKILL are bounded by one checkpoint).
// Both move with every batch, so the records that moved go to tail-<app>.marks, a mark file
// rewritten in place (common/mark-file.ts), while the JSON file (replaced by rename, with every
// record's identity) is written only now and then.
import { mkdirSync } from 'node:fs';
import { readPrivateFile } from '../../common/private-file.js';
import { writeFileAtomic } from '../../common/atomic-file.js';
import { bootId, sameBoot } from '../../common/boot-id.js';
import { MarkFile } from '../../common/mark-file.js';
import { join } from 'node:path';
import { TailError } from './errors.js';

/** One followed file (by identity), as persisted. */
export interface OffsetRecord {
  /** Device and inode (decimal strings: inodes can exceed 2^53 on some file systems). */
  dev: string;
  ino: string;
  /** Hash of the first fpLen bytes (fpLen grows to FINGERPRINT_BYTES as the file does). */
  fp: string;
  fpLen: number;
  /** Byte offset after the last line the consumer made durable; reading resumes here after a reboot. */
  offset: number;
  /** Byte offset after the last line the consumer wrote (>= offset); reading resumes here after a crash in the same boot. */
  written?: number;
  /** The name the file had when first followed (reported as the batch path after a rotation). */
  path: string;
  /** Set once the file lost its place (truncated in place or not found at start): waiting for a copy. */
  orphanedAt?: number;
}

interface StateFile {
  version: 1;
  app: string;
  /** The boot that wrote the file: `written` offsets count only in it. */
  boot?: string;
  files: OffsetRecord[];
}

export class OffsetStore {
  readonly file: string;
  private readonly marks: MarkFile;

  constructor(stateDir: string, readonly app: string) {
    this.file = join(stateDir, `tail-${app}.json`);
    this.marks = new MarkFile(join(stateDir, `tail-${app}.marks`));
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  }

  /** The saved records, or undefined when there is no state yet (first run for this app). */
  load(): OffsetRecord[] | undefined {
    let text: string | null;
    try {
      text = readPrivateFile(this.file);
      if (text === null) return undefined;
    } catch (err) {
      throw new TailError('ETAIL_STATE', `cannot read tail offsets ${this.file}: ${(err as Error).message}`, this.file, { cause: err });
    }
    try {
      const state = JSON.parse(text) as StateFile;
      if (state.version !== 1 || !Array.isArray(state.files)) throw new Error('unknown layout');
      const marks = this.loadMarks();
      const trusted = sameBoot(state.boot);
      return state.files.filter(isRecord).map((r) => {
        const { written, ...rest } = r;
        const mark = marks.get(markKey(r));
        rest.offset = Math.max(rest.offset, mark?.offset ?? 0);
        // Another boot: what was only written (page cache) may be gone; resume at the durable offset.
        const best = Math.max(trusted && Number.isInteger(written) ? written! : 0, mark?.written ?? 0);
        return best > rest.offset ? { ...rest, written: best } : rest;
      });
    } catch (err) {
      throw new TailError('ETAIL_STATE', `tail offsets ${this.file} are unreadable (${(err as Error).message}); starting without them`, this.file, { cause: err });
    }
  }

  /**
   * Records the offsets of the given records (those that moved since the last save()) in the mark
   * file (cheap: one in-place write). False when they do not fit a page (then save() must carry them).
   */
  saveMarks(records: Iterable<OffsetRecord>): boolean {
    const f: Record<string, [number, number?]> = {};
    for (const r of records) f[markKey(r)] = r.written !== undefined && r.written > r.offset ? [r.offset, r.written] : [r.offset];
    try {
      return this.marks.write(JSON.stringify({ boot: bootId(), f }));
    } catch (err) {
      throw new TailError('ETAIL_STATE', `cannot save tail marks for ${this.app}: ${(err as Error).message}`, this.file, { cause: err });
    }
  }

  close(): void {
    this.marks.close();
  }

  /** Offsets from the mark file; `written` only if it was recorded in this boot. */
  private loadMarks(): Map<string, { offset: number; written?: number }> {
    const out = new Map<string, { offset: number; written?: number }>();
    try {
      const m = JSON.parse(this.marks.read() ?? '{}') as { boot?: unknown; f?: Record<string, unknown> };
      if (typeof m.f !== 'object' || m.f === null) return out;
      const trusted = sameBoot(m.boot);
      for (const [k, v] of Object.entries(m.f)) {
        if (!Array.isArray(v) || !isOffset(v[0])) continue;
        out.set(k, trusted && isOffset(v[1]) ? { offset: v[0], written: v[1] } : { offset: v[0] });
      }
    } catch { /* unreadable marks: the state file's offsets stand */ }
    return out;
  }

  save(records: Iterable<OffsetRecord>): void {
    const state: StateFile = { version: 1, app: this.app, boot: bootId(), files: [...records] };
    try {
      // No fsync: committed once per batch; an older copy after a power loss only re-reads lines.
      writeFileAtomic(this.file, JSON.stringify(state), { fsync: false });
    } catch (err) {
      throw new TailError('ETAIL_STATE', `cannot save tail offsets ${this.file}: ${(err as Error).message}`, this.file, { cause: err });
    }
  }
}

function isRecord(r: unknown): r is OffsetRecord {
  const o = r as OffsetRecord;
  return typeof o === 'object' && o !== null && typeof o.dev === 'string' && typeof o.ino === 'string'
    && typeof o.fp === 'string' && Number.isInteger(o.fpLen) && Number.isInteger(o.offset) && o.offset >= 0
    && typeof o.path === 'string';
}

/**
 * A record's identity in the mark file: device, inode and fingerprint (a file truncated and
 * refilled is a new record under the same inode; a fingerprint that grew since the state file was
 * written only makes the mark unused: lines read again, never skipped).
 */
function markKey(r: OffsetRecord): string {
  return `${r.dev}:${r.ino}:${r.fp}`;
}

function isOffset(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

/** Where reading resumes: after what the consumer wrote (trusted only in its boot, see above), else after what it made durable. */
export function resumeAt(r: OffsetRecord): number {
  return Math.max(r.offset, r.written ?? 0);
}
