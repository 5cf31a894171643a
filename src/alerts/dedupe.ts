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
    private readonly windowMs: number,
    /** Called with each summary when its window ends (and for every open window on flush). */
    private readonly onSummary: (summary: Alert, channels: string[]) => void,
  ) {}

  /** true: send this alert now; false: it was counted against an open window. */
  admit(key: string, alert: Alert, channels: string[]): boolean {
    const w = this.windows.get(key);
    if (w) {
      w.held++;
      return false;
    }
    this.open(key, alert, channels);
    return true;
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

/** The dedupe key of an alert: kind (and detection), app, and the offender (ip, else user, else rule). */
export function dedupeKey(a: Alert): string {
  const who = a.kind === 'security' ? (a.ip ?? a.user ?? a.rule ?? '') : (a.probe ?? '');
  return `${a.kind}\u0000${a.securityKind ?? ''}\u0000${a.app ?? ''}\u0000${a.endpoint ?? ''}\u0000${who}`;
}
