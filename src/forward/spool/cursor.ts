// The spool's committed position: everything before it was delivered. Written tmp+rename so a
// crash leaves the old or the new value, never a torn one; losing it only means resending.
import { readPrivateFile } from '../../common/private-file.js';
import { writeFileAtomic } from '../../common/atomic-file.js';
import { join } from 'node:path';

export class CursorFile {
  private readonly path: string;
  constructor(dir: string) {
    this.path = join(dir, 'cursor.json');
  }

  read(): number {
    try {
      const v = (JSON.parse(readPrivateFile(this.path) ?? '{}') as { committed?: unknown }).committed;
      return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0;
    } catch {
      return 0; // missing or unreadable: resend from the oldest segment (duplicates, never loss)
    }
  }

  write(committed: number): void {
    // No fsync: an older cursor after a power loss only resends (duplicates, never loss).
    writeFileAtomic(this.path, JSON.stringify({ committed }) + '\n', { fsync: false });
  }
}
