// How the forwarder tells about its own trouble: forward.down and forward.up as they happen (they
// are edges), forward.error and forward.dropped rate-limited and aggregated: the first of a kind
// per endpoint at once, then at most one summary per window with the count and the last message.
// A full disk fails every flush; without this each failure would be an event (issue 16: 10,600/s).
import type { ForwardEvent } from '../events/types.js';
import { newEventId } from '../events/id.js';

export const REPORT_WINDOW_MS = 60_000;

type Kind = ForwardEvent['kind'];

interface Held {
  count: number;
  last: string;
  timer: NodeJS.Timeout | null;
}

export class ForwardReporter {
  private readonly held = new Map<string, Held>();
  /** Every report, including the ones folded into summaries (for status and metrics). */
  readonly counts: Record<Kind, number> = { 'forward.error': 0, 'forward.down': 0, 'forward.up': 0, 'forward.dropped': 0 };

  constructor(private readonly emit: (e: ForwardEvent) => void, private readonly windowMs = REPORT_WINDOW_MS) {}

  report(endpoint: string, kind: Kind, message: string, count = 1): void {
    this.counts[kind] += count;
    if (kind === 'forward.down' || kind === 'forward.up') {
      this.send(endpoint, kind, message);
      return;
    }
    const key = `${endpoint}\0${kind}`;
    const h = this.held.get(key);
    if (h) {
      h.count += count;
      h.last = message;
      h.timer ??= this.summaryTimer(key, endpoint, kind);
      return;
    }
    // The first of its kind opens a window: later ones in it are only counted.
    this.held.set(key, { count: 0, last: message, timer: this.summaryTimer(key, endpoint, kind) });
    this.send(endpoint, kind, message);
  }

  /** Sends the pending summaries now (shutdown, reload). */
  close(): void {
    for (const [key, h] of this.held) {
      if (h.timer) clearTimeout(h.timer);
      const [endpoint, kind] = key.split('\0') as [string, Kind];
      if (h.count > 0) this.send(endpoint, kind, summary(kind, h, this.windowMs));
    }
    this.held.clear();
  }

  private summaryTimer(key: string, endpoint: string, kind: Kind): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const h = this.held.get(key);
      if (!h) return;
      if (h.count === 0) { this.held.delete(key); return; } // quiet for a window: the next one is news again
      this.send(endpoint, kind, summary(kind, h, this.windowMs));
      h.count = 0;
      h.timer = this.summaryTimer(key, endpoint, kind);
    }, this.windowMs);
    timer.unref();
    return timer;
  }

  private send(endpoint: string, kind: Kind, message: string): void {
    try {
      this.emit({ id: newEventId(), at: new Date().toISOString(), type: 'forward', kind, endpoint, message });
    } catch { /* a faulty listener must not break forwarding */ }
  }
}

function summary(kind: Kind, h: Held, windowMs: number): string {
  const secs = Math.round(windowMs / 1000);
  // For forward.dropped the count is messages, for forward.error occurrences.
  return kind === 'forward.dropped'
    ? `${h.count} more messages dropped in the last ${secs}s; the last report: ${h.last}`
    : `${h.count} more errors in the last ${secs}s; the last: ${h.last}`;
}
