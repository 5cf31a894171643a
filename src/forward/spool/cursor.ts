// The spool's cursor: `committed` (everything before it was delivered) and `handed` (everything
// before it was handed to the kernel on a live TCP/TLS connection). It moves with every delivery,
// so it is a mark file (two slots rewritten in place, checksummed: common/mark-file.ts), not a
// file replaced by rename; a crash leaves the old or the new value, and losing it only means
// resending.
//
// `handed` is what keeps a daemon SIGKILL from resending seconds of data: the kernel still
// delivers what sits in the socket buffers after the process died, so on a restart in the same
// boot, sending resumes after `handed`. A reboot (the page cache and the socket are gone) falls
// back to `committed`.
import { readPrivateFile } from '../../common/private-file.js';
import { join } from 'node:path';
import { bootId, sameBoot } from '../../common/boot-id.js';
import { MarkFile } from '../../common/mark-file.js';

export interface CursorState {
  committed: number;
  /** handed, if it was recorded in this boot (else 0). */
  handed: number;
}

export class CursorFile {
  private readonly marks: MarkFile;
  /** Spools written before the mark file kept their cursor here (read once, then superseded). */
  private readonly legacy: string;

  constructor(dir: string) {
    this.marks = new MarkFile(join(dir, 'cursor'));
    this.legacy = join(dir, 'cursor.json');
  }

  read(): CursorState {
    const text = this.marks.read() ?? readLegacy(this.legacy);
    if (text === undefined) return { committed: 0, handed: 0 }; // resend from the oldest segment (duplicates, never loss)
    try {
      const v = JSON.parse(text) as { committed?: unknown; handed?: unknown; boot?: unknown };
      return { committed: position(v.committed), handed: sameBoot(v.boot) ? position(v.handed) : 0 };
    } catch {
      return { committed: 0, handed: 0 };
    }
  }

  /** No fsync: an older cursor after a power loss only resends (duplicates, never loss). */
  write(committed: number, handed: number): void {
    this.marks.write(JSON.stringify({ committed, handed, boot: bootId() }));
  }

  close(): void {
    this.marks.close();
  }
}

/** Someone else's or a linked file is refused (UnsafeFileError), as every state file is. */
function readLegacy(path: string): string | undefined {
  return readPrivateFile(path) ?? undefined;
}

function position(v: unknown): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0;
}
