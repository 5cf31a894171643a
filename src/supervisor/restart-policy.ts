// Whether and when an app that ended on its own comes back: the policy (always | on-failure |
// never), the backoff, and the give-up rule, as PM2 defines them (min_uptime / max_restarts):
// a run shorter than `minUptime` is a failed start; after `maxRestarts` restarts that each failed
// to start again the app is errored (said out loud by the caller). A run of at least minUptime
// forgives the past: the count and the backoff start over.
import { formatDuration } from '../common/units.js';
import type { AppConfig } from '../config/schema/index.js';
import { backoffDelay } from './backoff.js';

export type RestartSettings = AppConfig['restart'];

export type RestartVerdict =
  | { restart: true; delayMs: number; attempt: number; failedStarts: number }
  | { restart: false; reason: string; failedStarts: number };

export class RestartPolicy {
  /** Consecutive failed starts (runs shorter than minUptime) since the last good run. */
  private failedStarts = 0;
  /** Automatic restarts since the last good run (names the restart in events). */
  private attempt = 0;

  constructor(private readonly s: RestartSettings, private readonly random: () => number = Math.random) {}

  /** Does the policy want a restart after this kind of end? Hangs count as failures. */
  wants(cleanExit: boolean): boolean {
    return this.s.policy === 'always' || (this.s.policy === 'on-failure' && !cleanExit);
  }

  /** Was a run of `uptimeMs` a failed start? */
  failedStart(uptimeMs: number): boolean {
    return uptimeMs < this.s.minUptime;
  }

  /** The next automatic restart after a run of `uptimeMs`, or why there is none. */
  next(uptimeMs: number): RestartVerdict {
    if (this.failedStart(uptimeMs)) {
      this.failedStarts++;
    } else {
      this.failedStarts = 0;
      this.attempt = 0;
    }
    if (this.failedStarts > this.s.maxRestarts) {
      return {
        restart: false,
        failedStarts: this.failedStarts,
        reason: `${this.failedStarts} failed starts in a row (each run shorter than minUptime ${formatDuration(this.s.minUptime)}; maxRestarts ${this.s.maxRestarts})`,
      };
    }
    // The first restart after a good run waits `initial`; each failed start in a row doubles it.
    const delayMs = backoffDelay(this.s.backoff, Math.max(0, this.failedStarts - 1), this.random);
    this.attempt++;
    return { restart: true, delayMs, attempt: this.attempt, failedStarts: this.failedStarts };
  }

  /** A deliberate start or restart forgives the past. */
  reset(): void {
    this.failedStarts = 0;
    this.attempt = 0;
  }
}
