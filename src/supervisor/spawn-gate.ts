// Starting or stopping a thousand apps without a thundering herd. child_process.spawn is
// synchronous: the fork and the wait for the exec happen on the event loop's thread (1-10 ms each,
// more the larger the daemon and the busier the host). A thousand spawns in one turn would hold the
// loop for seconds: heartbeats and probe answers unread, the control socket deaf, a "stall". The
// gate lets spawns (and stop signals) through in batches, at most `perTurn` per turn of the event
// loop and no more once `budgetMs` of the turn went to them, then yields so I/O runs between
// batches. First come, first served.

export class SpawnGate {
  private readonly queue: (() => void)[] = [];
  /** Callers of idle(), released when the queue is empty. */
  private readonly idleWaiters: (() => void)[] = [];
  private inTurn = 0;
  private turnStart = 0;
  private yielding = false;

  constructor(private readonly perTurn = 8, private readonly budgetMs = 20) {}

  /** Resolves when the caller may go ahead (at once, while this turn has room). */
  turn(): Promise<void> {
    if (this.queue.length === 0 && this.hasRoom()) {
      this.take();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.queue.push(resolve);
      this.yieldSoon();
    });
  }

  /** Callers waiting for a later turn. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves once no caller waits for a turn (at once when none does): after a burst of spawns. */
  idle(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private hasRoom(): boolean {
    return this.inTurn === 0 || (this.inTurn < this.perTurn && performance.now() - this.turnStart < this.budgetMs);
  }

  private take(): void {
    if (this.inTurn === 0) {
      this.turnStart = performance.now();
      this.yieldSoon(); // the turn ends when the event loop comes round
    }
    this.inTurn++;
  }

  private yieldSoon(): void {
    if (this.yielding) return;
    this.yielding = true;
    setImmediate(() => {
      this.yielding = false;
      this.inTurn = 0;
      // The released callers run in this turn's microtasks, after this loop: count, not time.
      while (this.queue.length > 0 && this.inTurn < this.perTurn) {
        this.take();
        this.queue.shift()!();
      }
      if (this.queue.length === 0) for (const release of this.idleWaiters.splice(0)) release();
    });
  }
}

/** The daemon's gate: every spawn of every app, and the stop signals of many-app operations. */
export const spawnGate = new SpawnGate();

/** Runs fn for every item at once, each starting when the gate lets it: `stop all` in batches per turn. */
export function paced<T>(items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  return Promise.all(items.map(async (item) => {
    await spawnGate.turn();
    await fn(item);
  })).then(() => undefined);
}
