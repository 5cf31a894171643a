// A sliding-window limit per channel: at most `max` deliveries in any `per` ms. Over the limit,
// deliveries wait in the queue until a slot frees (never dropped; `expire` still applies).
export class RateLimiter {
  private readonly sent: number[] = [];

  constructor(private readonly max: number, private readonly perMs: number) {}

  /** 0 if a delivery may start now, else ms until one may. */
  waitMs(now = Date.now()): number {
    while (this.sent.length > 0 && this.sent[0]! <= now - this.perMs) this.sent.shift();
    return this.sent.length < this.max ? 0 : this.sent[0]! + this.perMs - now;
  }

  record(now = Date.now()): void {
    this.sent.push(now);
  }
}
