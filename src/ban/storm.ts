// The ban-storm brake: more than `bans` automatic bans within `per` pauses automatic banning for
// `pause`. A flood of bans is more often a misread log, a proxy's address or spoofed input than a
// real attack from that many places; better to stop and tell someone than to firewall half the net.

export type StormVerdict = 'ban' | 'paused' | 'storm';

export class StormGuard {
  /** Times of recent automatic bans, oldest first. */
  private readonly recent: number[] = [];
  private pausedUntil = 0;

  constructor(private readonly max: number, private readonly perMs: number, private readonly pauseMs: number) {}

  /**
   * Asks for one more automatic ban at `now`: `ban` (counted), `paused` (a pause is on), or
   * `storm` (this one would exceed the limit: the pause starts now).
   */
  take(now: number): StormVerdict {
    if (now < this.pausedUntil) return 'paused';
    while (this.recent.length > 0 && this.recent[0]! <= now - this.perMs) this.recent.shift();
    if (this.recent.length >= this.max) {
      this.pausedUntil = now + this.pauseMs;
      this.recent.length = 0;
      return 'storm';
    }
    this.recent.push(now);
    return 'ban';
  }

  /** When the current pause ends (ms since epoch), or null when banning is not paused. */
  pausedTill(now: number): number | null {
    return now < this.pausedUntil ? this.pausedUntil : null;
  }
}
