// Records of files that lost their place: truncated in place (copytruncate) with bytes not yet
// handed on, or saved but not found at start. Each waits for a file with its first bytes (the
// copy), whose reading then continues where the orphan stopped. Bounded in age and number.
import { fingerprint } from './fingerprint.js';
import type { OffsetRecord } from './offset-store.js';

const ORPHAN_TTL_MS = 10 * 60_000;
const MAX_ORPHANS = 64;

export interface Orphan {
  /** Its orphanedAt says since when it waits. */
  record: OffsetRecord;
  /** End of what was already handed on (the copy continues from here). */
  emitted: number;
}

export class Orphans {
  private list: Orphan[] = [];

  get size(): number {
    return this.list.length;
  }

  add(record: OffsetRecord, emitted: number): void {
    this.list.push({ record, emitted });
  }

  /** The orphan whose first bytes the file starting with `head` (headLen bytes) has: removed from the list. */
  claim(head: Buffer, headLen: number): Orphan | undefined {
    for (let i = 0; i < this.list.length; i++) {
      const r = this.list[i]!.record;
      if (r.fpLen === 0 || headLen < r.fpLen || fingerprint(head, r.fpLen) !== r.fp) continue;
      return this.list.splice(i, 1)[0];
    }
    return undefined;
  }

  /** Drops orphans waiting too long, and the oldest beyond MAX_ORPHANS; true if any went. */
  prune(now: number): boolean {
    const before = this.list.length;
    this.list = this.list.filter((o) => now - (o.record.orphanedAt ?? now) < ORPHAN_TTL_MS).slice(-MAX_ORPHANS);
    return this.list.length !== before;
  }

  records(): OffsetRecord[] {
    return this.list.map((o) => o.record);
  }
}
