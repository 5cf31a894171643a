// Where each followed file's committed offset is kept: one small JSON file per app in stateDir,
// replaced atomically (write tmp, rename) so a crash leaves either the old or the new version.
import { mkdirSync } from 'node:fs';
import { readPrivateFile } from '../../common/private-file.js';
import { writeFileAtomic } from '../../common/atomic-file.js';
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
  /** Byte offset after the last line the consumer committed; reading resumes here. */
  offset: number;
  /** The name the file had when first followed (reported as the batch path after a rotation). */
  path: string;
  /** Set once the file lost its place (truncated in place or not found at start): waiting for a copy. */
  orphanedAt?: number;
}

interface StateFile {
  version: 1;
  app: string;
  files: OffsetRecord[];
}

export class OffsetStore {
  readonly file: string;

  constructor(stateDir: string, readonly app: string) {
    this.file = join(stateDir, `tail-${app}.json`);
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
      return state.files.filter(isRecord);
    } catch (err) {
      throw new TailError('ETAIL_STATE', `tail offsets ${this.file} are unreadable (${(err as Error).message}); starting without them`, this.file, { cause: err });
    }
  }

  save(records: Iterable<OffsetRecord>): void {
    const state: StateFile = { version: 1, app: this.app, files: [...records] };
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
