// When the tail's offsets reach disk (offset-store.ts says how). An offset the consumer moves goes
// to the mark file at once: one in-place write, in the same tick as the consumer marked the batch,
// so a SIGKILL re-reads almost nothing. The state file (every record, replaced by rename: 2-5 ms
// on ext4) follows at most every SAVE_EVERY_MS, or at once when files came, went or changed
// identity and the caller says so.
import { OffsetStore, resumeAt, type OffsetRecord } from './offset-store.js';

/** The state file is rewritten at most this often, plus 1 ms per FILES_PER_SAVE_MS records (a 5,000-file glob writes ~1 MB). */
const SAVE_EVERY_MS = 1000;
const FILES_PER_SAVE_MS = 50;

export interface CheckpointerOptions {
  stateDir: string;
  app: string;
  /** Every record to save: followed files and orphans. */
  records(): OffsetRecord[];
  /** How many records() would return (asked at every mark: no array built). */
  recordCount(): number;
  onError(err: unknown): void;
}

export class Checkpointer {
  private readonly store: OffsetStore;
  /** Files came, went or changed identity since the state file was written. */
  private changed = false;
  /** Records whose offsets moved since the state file was last written (they are in the mark file). */
  private readonly moved = new Set<OffsetRecord>();
  private savedAt = 0;
  private saveTimer: NodeJS.Timeout | undefined;
  /** close() wrote the final state: a late commit of a batch must not overwrite a successor's. */
  private closed = false;

  constructor(private readonly o: CheckpointerOptions) {
    this.store = new OffsetStore(o.stateDir, o.app);
  }

  /** The saved records, or undefined on the first run for this app (throws ETAIL_STATE when unreadable). */
  load(): OffsetRecord[] | undefined {
    return this.store.load();
  }

  /** Something besides an offset changed (a file came, went, was truncated, or its fingerprint grew). */
  stateChanged(): void {
    this.changed = true;
  }

  get hasChanges(): boolean {
    return this.changed;
  }

  /** The consumer wrote the lines up to `end` (a crash of this process cannot lose them). */
  written(record: OffsetRecord, end: number): void {
    if (end <= resumeAt(record)) return;
    record.written = end;
    this.mark(record);
  }

  /** The consumer made the lines up to `end` durable (they survive a power loss). */
  committed(record: OffsetRecord, end: number): void {
    if (end <= record.offset) return;
    record.offset = end;
    if (record.written !== undefined && record.written <= end) delete record.written;
    this.mark(record);
  }

  /** The state file, for offsets that moved: at most every SAVE_EVERY_MS (the mark file has them meanwhile). */
  saveSoon(): void {
    const wait = SAVE_EVERY_MS + Math.floor(this.o.recordCount() / FILES_PER_SAVE_MS) - (Date.now() - this.savedAt);
    if (wait <= 0) this.save();
    else this.saveTimer ??= setTimeout(() => { this.saveTimer = undefined; if (this.moved.size > 0 || this.changed) this.save(); }, wait);
  }

  /** Writes the state file now. */
  save(): void {
    if (this.closed) return;
    this.changed = false;
    this.savedAt = Date.now();
    if (this.saveTimer) { clearTimeout(this.saveTimer); this.saveTimer = undefined; }
    try {
      this.store.save(this.o.records());
      this.moved.clear();
    } catch (err) {
      this.o.onError(err);
    }
  }

  /** No timed save from now on (stopping; close() follows). */
  cancelTimer(): void {
    clearTimeout(this.saveTimer);
  }

  /** The last write (the state file, if finalSave), then nothing more: later marks are ignored. */
  close(finalSave: boolean): void {
    if (finalSave) this.save();
    this.closed = true;
    this.store.close();
  }

  /** Records a moved offset at once in the mark file; the state file follows later (or now, if they do not fit). */
  private mark(record: OffsetRecord): void {
    if (this.closed) return;
    this.moved.add(record);
    let marked = false;
    try { marked = this.store.saveMarks(this.moved); } catch (err) { this.o.onError(err); }
    if (marked) this.saveSoon();
    else this.save();
  }
}
