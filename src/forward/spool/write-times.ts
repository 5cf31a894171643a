// When the bytes of a spool were written, coarsely: enough to tell the age of the oldest
// undelivered message (bulwark_forward_oldest_undelivered_age_seconds) without a timestamp per
// message. Writes within RESOLUTION_MS of each other share one mark; at most MAX_MARKS are kept
// (neighbours merge, keeping the older time, so an age is never understated).
const RESOLUTION_MS = 1000;
const MAX_MARKS = 1024;

interface Mark { /** End position of the bytes written since `at`. */ pos: number; at: number }

export class WriteTimes {
  private marks: Mark[] = [];

  /** Bytes up to `pos` were written at `at` (positions only grow). */
  wrote(pos: number, at: number): void {
    const last = this.marks[this.marks.length - 1];
    if (last !== undefined && at - last.at < RESOLUTION_MS) { last.pos = pos; return; }
    this.marks.push({ pos, at });
    if (this.marks.length > MAX_MARKS) this.marks = this.marks.flatMap((m, i, all) => (i % 2 === 0 ? [{ pos: all[i + 1]?.pos ?? m.pos, at: m.at }] : []));
  }

  /** Everything before `pos` is delivered (or dropped). */
  gone(pos: number): void {
    let n = 0;
    while (n < this.marks.length && this.marks[n]!.pos <= pos) n++;
    if (n > 0) this.marks.splice(0, n);
  }

  /** When the oldest byte at or after `pos` was written; null when nothing is. */
  oldestAfter(pos: number): number | null {
    for (const m of this.marks) if (m.pos > pos) return m.at;
    return null;
  }
}
