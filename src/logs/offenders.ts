// The black book: every IP and user that security events named, with counts by kind and first/last
// seen. Bounded in entries, in the length of a value and in total bytes (attackers choose the user
// names); the least recently recorded go first. Persisted as a journal (state/offenders.jsonl):
// each flush appends only the entries that changed, off the event loop.
import type { SecurityEvent } from '../events/types.js';
import type { SecurityKind } from '../config/schema/index.js';
import { boundedField, MAX_IDENTITY_CHARS } from '../events/fields.js';
import { JournalFile } from '../common/journal-file.js';
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
  /** In recording order: the first entry is the least recently recorded. */
  private readonly entries = new Map<string, Offender>();
  private bytes = 0;
  private readonly changed = new Set<string>();
  private readonly journal: JournalFile | null;

  constructor(file?: string) {
    this.journal = file ? new JournalFile(file) : null;
    if (!this.journal) return;
    try {
      for (const o of this.journal.load()) if (isOffender(o)) this.put(`${o.type}:${o.value}`, o);
    } catch {
      // Unreadable or not our own file: start a new book (the next compaction replaces it).
    }
  }

  record(e: SecurityEvent): void {
    if (e.ip) this.bump('ip', e.ip, e);
    if (e.user) this.bump('user', e.user, e);
  }

  /** Most recently seen first. */
  list(): Offender[] {
    return [...this.entries.values()].sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : b.total - a.total));
  }

  /** Appends the entries that changed since the last flush (a compaction now and then). */
  flush(): Promise<void> {
    if (!this.journal || this.changed.size === 0) return Promise.resolve();
    const changed = [...this.changed].map((k) => this.entries.get(k)).filter((o): o is Offender => o !== undefined);
    this.changed.clear();
    return this.journal.write(changed, () => [...this.entries.values()], 3 * MAX_BOOK_BYTES);
  }

  private bump(type: 'ip' | 'user', raw: string, e: SecurityEvent): void {
    const value = boundedField(raw, MAX_IDENTITY_CHARS)!;
    const key = `${type}:${value}`;
    const o = this.entries.get(key) ?? { type, value, counts: {}, total: 0, firstSeen: e.at, lastSeen: e.at };
    o.counts[e.kind] = (o.counts[e.kind] ?? 0) + 1;
    o.total++;
    if (e.at < o.firstSeen) o.firstSeen = e.at;
    if (e.at > o.lastSeen) o.lastSeen = e.at;
    this.put(key, o); // moved last: most recently recorded
    this.changed.add(key);
  }

  private put(key: string, o: Offender): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.bytes -= sizeOf(old);
    }
    this.entries.set(key, o);
    this.bytes += sizeOf(o);
    while (this.entries.size > MAX_OFFENDERS || this.bytes > MAX_BOOK_BYTES) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Offender];
      this.entries.delete(oldestKey);
      this.changed.delete(oldestKey);
      this.bytes -= sizeOf(oldest);
    }
  }
}

function sizeOf(o: Offender): number {
  return o.value.length + ENTRY_OVERHEAD;
}

function isOffender(o: unknown): o is Offender {
  const x = o as Offender;
  return typeof x === 'object' && x !== null && (x.type === 'ip' || x.type === 'user')
    && typeof x.value === 'string' && x.value.length <= MAX_IDENTITY_CHARS + 1
    && typeof x.counts === 'object' && x.counts !== null && Number.isSafeInteger(x.total)
    && typeof x.firstSeen === 'string' && typeof x.lastSeen === 'string';
}
