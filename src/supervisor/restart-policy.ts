// Whether and when an app that ended on its own comes back: the policy (always | on-failure |
// never), the backoff of the current crash streak (reset by a run of at least minUptime), and
// the give-up rule (maxRestarts within window -> errored, said out loud by the caller).
import { formatDuration } from '../common/units.js';
import type { AppConfig } from '../config/schema/index.js';
import { backoffDelay } from './backoff.js';

export type RestartSettings = AppConfig['restart'];

export type RestartVerdict =
  | { restart: true; delayMs: number; attempt: number }
  | { restart: false; reason: string };

export class RestartPolicy {
  /** Restarts in the current crash streak (each run shorter than minUptime extends it). */
  private streak = 0;
  /** Times of automatic restarts, for the maxRestarts-within-window rule. */
  private history: number[] = [];

  constructor(private readonly s: RestartSettings, private readonly random: () => number = Math.random) {}

  /** Does the policy want a restart after this kind of end? Hangs count as failures. */
  wants(cleanExit: boolean): boolean {
    return this.s.policy === 'always' || (this.s.policy === 'on-failure' && !cleanExit);
  }

  /** The next automatic restart after a run of `uptimeMs`, or why there is none. */
  next(uptimeMs: number, now = Date.now()): RestartVerdict {
    if (uptimeMs >= this.s.minUptime) this.streak = 0;
    const since = now - this.s.window;
    this.history = this.history.filter((t) => t > since);
    if (this.history.length >= this.s.maxRestarts) {
      return {
        restart: false,
        reason: `${this.history.length} restarts within ${formatDuration(this.s.window)} (maxRestarts ${this.s.maxRestarts})`,
      };
    }
    this.history.push(now);
    const delayMs = backoffDelay(this.s.backoff, this.streak, this.random);
    this.streak++;
    return { restart: true, delayMs, attempt: this.streak };
  }

  /** A deliberate start or restart forgives the past. */
  reset(): void {
    this.streak = 0;
    this.history = [];
  }
}
