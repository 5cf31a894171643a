// A wake-up for loops that wait on "something changed" (new data, drain, link down, close).
export class Signal {
  private waiters: (() => void)[] = [];

  wait(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      if (timeoutMs !== undefined) setTimeout(resolve, timeoutMs).unref();
    });
  }

  fire(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
