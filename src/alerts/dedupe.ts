// Dedupe: the first alert for a (kind, app, key) goes out at once; the same key within the window is
// only counted, and when the window ends one summary says how many were held back. A key that keeps
// firing gets one summary per window; a key that goes quiet for a whole window is forgotten.
import type { Alert } from './alert.js';
import { summaryOf } from './alert.js';

interface Window {
  first: Alert;
  channels: string[];
  held: number;
  timer: NodeJS.Timeout;
}

export class Deduper {
  private readonly windows = new Map<string, Window>();

  constructor(
    /** The window of keys admitted from now on (a reload may change it). */
    public windowMs: number,
    /** Called with each summary when its window ends (and for every open window on flush). */
    private readonly onSummary: (summary: Alert, channels: string[]) => void,
  ) {}

  /** Counts a repeat if `key` has an open window (true: hold it back); cheap, no alert needed. */
  holdsBack(key: string): boolean {
    const w = this.windows.get(key);
    if (w === undefined) return false;
    w.held++;
    return true;
  }

  /** The first alert for `key`: opens its window (send the alert now). */
  admit(key: string, alert: Alert, channels: string[]): void {
    this.open(key, alert, channels);
  }

  private open(key: string, first: Alert, channels: string[]): void {
    const timer = setTimeout(() => this.close(key), this.windowMs);
    timer.unref();
    this.windows.set(key, { first, channels, held: 0, timer });
  }

  private close(key: string): void {
    const w = this.windows.get(key);
    if (!w) return;
    this.windows.delete(key);
    if (w.held === 0) return;
    this.onSummary(summaryOf(w.first, w.held, this.windowMs, 'by dedupe'), w.channels);
    // Still firing: keep holding, so a steady attack yields one summary per window, not alert + summary.
    this.open(key, w.first, w.channels);
  }

  /** Ends every window now (shutdown): held counts become summaries instead of being lost. */
  flush(): void {
    for (const [key, w] of [...this.windows]) {
      clearTimeout(w.timer);
      this.windows.delete(key);
      if (w.held > 0) this.onSummary(summaryOf(w.first, w.held, this.windowMs, 'by dedupe'), w.channels);
    }
  }

  get size(): number {
    return this.windows.size;
  }
}

/** The dedupe key: kind, detection, app, and the offender (ip, else user, else rule). */
export function securityDedupeKey(e: { kind: string; app: string; ip: string | null; user: string | null; rule: string }): string {
  return `security\u0000${e.kind}\u0000${e.app}\u0000${e.ip ?? e.user ?? e.rule}`;
}

/**
 * A distributed attack has many offenders, each its own dedupe key. Past `max` distinct keys per
 * group (detection + app) within a window, the rest are folded into one group alert and its summary.
 */
export class GroupCap {
  private readonly counts = new Map<string, { n: number; timer: NodeJS.Timeout }>();

  constructor(private readonly max: number, public windowMs: number) {}

  /** true while the group is under its cap (and counts this key against it). */
  take(group: string): boolean {
    let c = this.counts.get(group);
    if (c === undefined) {
      const timer = setTimeout(() => this.counts.delete(group), this.windowMs);
      timer.unref();
      c = { n: 0, timer };
      this.counts.set(group, c);
    }
    if (c.n >= this.max) return false;
    c.n++;
    return true;
  }

  close(): void {
    for (const c of this.counts.values()) clearTimeout(c.timer);
    this.counts.clear();
  }
}
