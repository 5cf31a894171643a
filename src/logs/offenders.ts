// The black book: every IP and user that security events named, with counts by kind and first/last
// seen. Bounded in entries, in the length of a value and in total bytes (attackers choose the user
// names); the least recently recorded go first. Persisted as a journal (state/offenders.jsonl):
// each flush appends only the entries that changed, off the event loop.
import type { SecurityEvent } from '../events/types.js';
import type { SecurityKind } from '../config/schema/index.js';
import { boundedField, MAX_IDENTITY_CHARS } from '../events/fields.js';
import { BoundedBook } from '../common/bounded-book.js';
import { join } from 'node:path';

export interface Offender {
  type: 'ip' | 'user';
  value: string;
  /** Events per kind. */
  counts: Partial<Record<SecurityKind, number>>;
  total: number;
  /** ISO times of the first and latest event. */
  firstSeen: string;
  lastSeen: string;
}

/** The black book in a state dir (read by `offenders` directly when the daemon is down). */
export function offendersFile(stateDir: string): string {
  return join(stateDir, 'offenders.jsonl');
}

export const MAX_OFFENDERS = 50_000;
/** Estimated JSON bytes of the whole book; with 256-character values about 17,000 entries fit. */
export const MAX_BOOK_BYTES = 8 * 1024 * 1024;
/** An entry's JSON beyond its value: type, counts of a few kinds, two timestamps. */
const ENTRY_OVERHEAD = 220;

export class OffenderBook {
  private readonly book: BoundedBook<Offender>;

  constructor(file?: string) {
    this.book = new BoundedBook<Offender>({
      maxEntries: MAX_OFFENDERS,
      maxBytes: MAX_BOOK_BYTES,
      sizeOf: (_key, o) => o.value.length + ENTRY_OVERHEAD,
      restore: (o) => (isOffender(o) ? [`${o.type}:${o.value}`, o] : null),
      record: (_key, o) => o,
    }, file);
  }

  record(e: SecurityEvent): void {
    if (e.ip) this.bump('ip', e.ip, e);
    if (e.user) this.bump('user', e.user, e);
  }

  /** Most recently seen first. */
  list(): Offender[] {
    return [...this.book.values()].sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : b.total - a.total));
  }

  /** Appends the entries that changed since the last flush (a compaction now and then). */
  flush(): Promise<void> {
    return this.book.flush();
  }

  private bump(type: 'ip' | 'user', raw: string, e: SecurityEvent): void {
    const value = boundedField(raw, MAX_IDENTITY_CHARS)!;
    const key = `${type}:${value}`;
    const o = this.book.get(key) ?? { type, value, counts: {}, total: 0, firstSeen: e.at, lastSeen: e.at };
    o.counts[e.kind] = (o.counts[e.kind] ?? 0) + 1;
    o.total++;
    if (e.at < o.firstSeen) o.firstSeen = e.at;
    if (e.at > o.lastSeen) o.lastSeen = e.at;
    this.book.set(key, o); // moved last: most recently recorded
  }
}

function isOffender(o: unknown): o is Offender {
  const x = o as Offender;
  return typeof x === 'object' && x !== null && (x.type === 'ip' || x.type === 'user')
    && typeof x.value === 'string' && x.value.length <= MAX_IDENTITY_CHARS + 1
    && typeof x.counts === 'object' && x.counts !== null && Number.isSafeInteger(x.total)
    && typeof x.firstSeen === 'string' && typeof x.lastSeen === 'string';
}
