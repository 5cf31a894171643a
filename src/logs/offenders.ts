// The black book: every IP and user that security events named, with counts by kind and first/last seen.
import { readPrivateFile } from '../common/private-file.js';
import { join } from 'node:path';
import type { SecurityEvent } from '../events/types.js';
import type { SecurityKind } from '../config/schema/index.js';
import { writeFileAtomic } from '../common/atomic-file.js';

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
  return join(stateDir, 'offenders.json');
}

/** Bound on entries; the least recently seen go first. */
const MAX_OFFENDERS = 50_000;

export class OffenderBook {
  private readonly entries = new Map<string, Offender>();
  private dirty = false;

  constructor(private readonly file?: string) {
    if (!file) return;
    try {
      const data = JSON.parse(readPrivateFile(file) ?? '{}') as { offenders?: Offender[] };
      for (const o of data.offenders ?? []) {
        if ((o.type === 'ip' || o.type === 'user') && typeof o.value === 'string') this.entries.set(`${o.type}:${o.value}`, o);
      }
    } catch {
      // No book yet (or unreadable): start a new one.
    }
  }

  record(e: SecurityEvent): void {
    if (e.ip) this.bump('ip', e.ip, e);
    if (e.user) this.bump('user', e.user, e);
  }

  private bump(type: 'ip' | 'user', value: string, e: SecurityEvent): void {
    const key = `${type}:${value}`;
    let o = this.entries.get(key);
    if (o === undefined) {
      if (this.entries.size >= MAX_OFFENDERS) this.evictOldest();
      o = { type, value, counts: {}, total: 0, firstSeen: e.at, lastSeen: e.at };
      this.entries.set(key, o);
    }
    o.counts[e.kind] = (o.counts[e.kind] ?? 0) + 1;
    o.total++;
    if (e.at < o.firstSeen) o.firstSeen = e.at;
    if (e.at > o.lastSeen) o.lastSeen = e.at;
    this.dirty = true;
  }

  private evictOldest(): void {
    let oldest: string | undefined;
    let at = '\uffff';
    for (const [k, o] of this.entries) if (o.lastSeen < at) { at = o.lastSeen; oldest = k; }
    if (oldest !== undefined) this.entries.delete(oldest);
  }

  /** Most recently seen first. */
  list(): Offender[] {
    return [...this.entries.values()].sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : b.total - a.total));
  }

  /** Writes the book if it changed (temp file + rename). */
  flush(): void {
    if (!this.file || !this.dirty) return;
    writeFileAtomic(this.file, JSON.stringify({ version: 1, offenders: [...this.entries.values()] }), { createDir: true });
    this.dirty = false;
  }
}
