// Flapping control: an app that fails again and again (crash loop, repeated hangs) is one episode.
// The first failure alerts; later ones are counted; the episode ends with one more alert when the app
// recovers (or is declared errored). An episode with no failure for `quietMs` closes on its own, with
// a summary if anything was held back, so a failure days later alerts again.
import type { Alert } from './alert.js';
import { summaryOf } from './alert.js';
import { newEventId } from '../events/id.js';

interface Episode {
  first: Alert;
  channels: string[];
  startedAt: number;
  held: number;
  failures: Map<string, number>;
  timer: NodeJS.Timeout;
}

export type EpisodeVerdict = 'alert' | 'held';

export class EpisodeTracker {
  private readonly episodes = new Map<string, Episode>();

  constructor(
    private readonly quietMs: number,
    private readonly onSummary: (summary: Alert, channels: string[]) => void,
  ) {}

  /** A failure of `app`: alert if it opens an episode, else held. */
  failure(app: string, alert: Alert, channels: string[]): EpisodeVerdict {
    const ep = this.episodes.get(app);
    if (ep) {
      ep.held++;
      ep.failures.set(alert.kind, (ep.failures.get(alert.kind) ?? 0) + 1);
      ep.timer.refresh();
      return 'held';
    }
    const timer = setTimeout(() => this.quiet(app), this.quietMs);
    timer.unref();
    this.episodes.set(app, { first: alert, channels, startedAt: Date.now(), held: 0, failures: new Map([[alert.kind, 1]]), timer });
    return 'alert';
  }

  /**
   * Ends the app's episode. Returns the closing alert for `recovered` ("recovered after 4 failures ...")
   * or how many failures were held back (to put in an `errored` alert); null when no episode was open.
   */
  end(app: string): { held: number; tally: string; channels: string[]; first: Alert; startedAt: number } | null {
    const ep = this.episodes.get(app);
    if (!ep) return null;
    clearTimeout(ep.timer);
    this.episodes.delete(app);
    return { held: ep.held, tally: tally(ep.failures), channels: ep.channels, first: ep.first, startedAt: ep.startedAt };
  }

  /** The alert that closes an episode when the app is back. */
  static recoveredAlert(ended: { held: number; tally: string; first: Alert; startedAt: number }, at: string, reason?: string): Alert {
    const secs = Math.round((Date.now() - ended.startedAt) / 1000);
    return {
      id: newEventId(), at, host: ended.first.host, app: ended.first.app, kind: 'recovered', severity: 'info',
      reason: `${reason ? `${reason}; ` : ''}recovered after ${ended.held + 1} failure${ended.held ? 's' : ''} (${ended.tally}) in ${secs}s`,
      ...(ended.held ? { heldBack: ended.held } : {}),
    };
  }

  private quiet(app: string): void {
    const ended = this.end(app);
    if (ended && ended.held > 0) this.onSummary(summaryOf(ended.first, ended.held, this.quietMs, `while ${app} was flapping (${ended.tally})`), ended.channels);
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
