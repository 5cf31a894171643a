// Flapping control: an app that fails again and again (crash loop, repeated hangs) is one episode.
// The first failure alerts; later ones are counted; the episode ends with one more alert when the app
// recovers: a `recovered` event, or online for `recoverAfterMs` with no new failure. `errored` also
// ends it (the caller says so in the errored alert). An episode with no failure for `quietMs` and no
// sign of the app coming back closes on its own, with a summary if anything was held back.
import type { Alert } from './alert.js';
import { summaryOf } from './alert.js';
import { newEventId } from '../events/id.js';

interface Episode {
  first: Alert;
  channels: string[];
  startedAt: number;
  held: number;
  /** Failures sent as alerts (the first, plus escalations). */
  alerted: number;
  worst: Alert['severity'];
  failures: Map<string, number>;
  timer: NodeJS.Timeout;
  /** Running while the app is online after its last failure; firing means it recovered. */
  stable: NodeJS.Timeout | null;
}

const RANK: Record<Alert['severity'], number> = { info: 0, warning: 1, critical: 2 };

export type EpisodeVerdict = 'alert' | 'held';

export class EpisodeTracker {
  private readonly episodes = new Map<string, Episode>();

  constructor(
    /** Both may change on a reload; they apply to the timers started from then on. */
    public quietMs: number,
    public recoverAfterMs: number,
    /** Summaries and recovered alerts produced by the tracker's own timers. */
    private readonly onAlert: (alert: Alert, channels: string[]) => void,
  ) {}

  /** A failure of `app`: alert if it opens an episode or is worse than any before in it, else held. */
  failure(app: string, alert: Alert, channels: string[]): EpisodeVerdict {
    const ep = this.episodes.get(app);
    if (ep) {
      ep.failures.set(alert.kind, (ep.failures.get(alert.kind) ?? 0) + 1);
      ep.timer.refresh();
      if (ep.stable) { clearTimeout(ep.stable); ep.stable = null; }
      // "health failing" then "hung, killed": the escalation is news, the repeats are not.
      if (RANK[alert.severity] > RANK[ep.worst]) {
        ep.worst = alert.severity;
        ep.alerted++;
        return 'alert';
      }
      ep.held++;
      return 'held';
    }
    const timer = setTimeout(() => this.quiet(app), this.quietMs);
    timer.unref();
    this.episodes.set(app, { first: alert, channels, startedAt: Date.now(), held: 0, alerted: 1, worst: alert.severity, failures: new Map([[alert.kind, 1]]), timer, stable: null });
    return 'alert';
  }

  /**
   * Ends the app's episode. Returns the closing alert for `recovered` ("recovered after 4 failures ...")
   * or how many failures were held back (to put in an `errored` alert); null when no episode was open.
   */
  end(app: string): { held: number; failed: number; tally: string; channels: string[]; first: Alert; startedAt: number } | null {
    const ep = this.episodes.get(app);
    if (!ep) return null;
    clearTimeout(ep.timer);
    if (ep.stable) clearTimeout(ep.stable);
    this.episodes.delete(app);
    return { held: ep.held, failed: ep.held + ep.alerted, tally: tally(ep.failures), channels: ep.channels, first: ep.first, startedAt: ep.startedAt };
  }

  /** The alert that closes an episode when the app is back. */
  static recoveredAlert(ended: { held: number; failed: number; tally: string; first: Alert; startedAt: number }, at: string, reason?: string): Alert {
    const secs = Math.round((Date.now() - ended.startedAt) / 1000);
    return {
      id: newEventId(), at, host: ended.first.host, app: ended.first.app, kind: 'recovered', severity: 'info',
      reason: `${reason ? `${reason}; ` : ''}recovered after ${ended.failed} failure${ended.failed > 1 ? 's' : ''} (${ended.tally}) in ${secs}s`,
      ...(ended.held ? { heldBack: ended.held } : {}),
    };
  }

  /** The app is online again: if it stays up without failing for recoverAfterMs, the episode is over. */
  online(app: string): void {
    const ep = this.episodes.get(app);
    if (!ep || ep.stable) return;
    ep.stable = setTimeout(() => {
      const ended = this.end(app);
      if (ended) this.onAlert(EpisodeTracker.recoveredAlert(ended, new Date().toISOString(), `online for ${Math.round(this.recoverAfterMs / 1000)}s`), ended.channels);
    }, this.recoverAfterMs);
    ep.stable.unref();
  }

  private quiet(app: string): void {
    const ended = this.end(app);
    if (ended && ended.held > 0) this.onAlert(summaryOf(ended.first, ended.held, this.quietMs, `while ${app} was flapping (${ended.tally})`), ended.channels);
  }

  /** Shutdown: held counts become summaries. */
  flush(): void {
    for (const app of [...this.episodes.keys()]) this.quiet(app);
  }

  isOpen(app: string): boolean {
    return this.episodes.has(app);
  }
}

function tally(failures: Map<string, number>): string {
  return [...failures].map(([k, n]) => `${k}×${n}`).join(', ');
}
