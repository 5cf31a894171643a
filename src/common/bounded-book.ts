// A map kept in recording order (the least recently recorded entry first), capped in entries and
// in an estimate of bytes (the first entries are forgotten), and persisted as a JournalFile: a
// flush appends the entries recorded since the last one. The offender book and the known-IP
// history are both this.
import { JournalFile } from './journal-file.js';

export interface BookShape<V> {
  maxEntries: number;
  maxBytes: number;
  /** Roughly what an entry costs in memory and on disk. */
  sizeOf(key: string, value: V): number;
  /** A journal record back into its entry, or null for a record that is not one of ours. */
  restore(record: unknown): [string, V] | null;
  /** An entry as its journal record. */
  record(key: string, value: V): unknown;
}

export class BoundedBook<V> {
  private readonly entries = new Map<string, V>();
  private bytes = 0;
  private readonly changed = new Set<string>();
  private readonly journal: JournalFile | null;

  /** Without `file`, nothing is persisted. An unreadable journal starts an empty book (the next compaction replaces it). */
  constructor(private readonly shape: BookShape<V>, file?: string) {
    this.journal = file ? new JournalFile(file) : null;
    if (!this.journal) return;
    try {
      for (const r of this.journal.load()) {
        const entry = shape.restore(r);
        if (entry) this.put(entry[0], entry[1]);
      }
    } catch { /* missing or not our own file */ }
  }

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }

  /** Records `value` under `key`: it becomes the most recently recorded entry and goes out with the next flush. */
  set(key: string, value: V): void {
    this.put(key, value);
    this.changed.add(key);
  }

  /** Appends the entries recorded since the last flush (a compaction now and then). */
  flush(): Promise<void> {
    if (!this.journal || this.changed.size === 0) return Promise.resolve();
    const records = [...this.changed].flatMap((k) => { const v = this.entries.get(k); return v === undefined ? [] : [this.shape.record(k, v)]; });
    this.changed.clear();
    return this.journal.write(records, () => [...this.entries].map(([k, v]) => this.shape.record(k, v)), 3 * this.shape.maxBytes);
  }

  private put(key: string, value: V): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.bytes -= this.shape.sizeOf(key, old);
    }
    this.entries.set(key, value);
    this.bytes += this.shape.sizeOf(key, value);
    while (this.entries.size > this.shape.maxEntries || this.bytes > this.shape.maxBytes) {
      const [firstKey, first] = this.entries.entries().next().value as [string, V];
      this.entries.delete(firstKey);
      this.changed.delete(firstKey);
      this.bytes -= this.shape.sizeOf(firstKey, first);
    }
  }
}
