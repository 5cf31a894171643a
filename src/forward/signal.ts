// A wake-up for loops that wait on "something changed" (new data, drain, link down, close).
export class Signal {
  private waiters: (() => void)[] = [];

  /** Resolves at the next fire(), or after `timeoutMs` (its timer goes with the fire). */
  wait(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      if (timeoutMs === undefined) {
        this.waiters.push(resolve);
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done); // a loop that keeps timing out must not pile up waiters
        resolve();
      }, timeoutMs);
      timer.unref();
      this.waiters.push(done);
    });
  }

  fire(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
