// The daemon's own stalls: a SIGSTOP, a VM pause, a long GC pause or a blocked event loop. Apps
// keep running while the daemon does not: their heartbeats and output wait unread in the pipes, a
// probe's answer waits in its socket. On resume libuv runs expired timers before it reads any I/O,
// so a deadline would fire first and kill a healthy app. Time the daemon lost therefore does not
// count against an app: a verdict whose window overlaps a stall waits (the probes ask sinceStall()).
//
// One ticker records when the loop last ran; a gap longer than the tick plus `thresholdMs` is a
// stall. It is unref'd and runs only while some run with a probe holds the watch: nothing else is
// judged against the clock, and a daemon whose apps have no probe should not wake twice a second.
// Every verdict checks first, so a stall is seen even when the verdict's own timer fires before the
// ticker's on resume. The clock is the monotonic one libuv's timers use: a wall-clock step is not a
// stall, a VM's clock jump is.
export class StallWatch {
  private lastSeen = 0;
  private lastStallEnd = -Infinity;
  private holders = 0;
  private ticker: NodeJS.Timeout | undefined;

  /** `onStall` hears each stall once, with the time the daemon did not run (give or take a tick). */
  constructor(private readonly onStall: (lostMs: number) => void, private readonly tickMs = 500, private readonly thresholdMs = 1000) {}

  /** Starts watching (the first holder starts the ticker); returns the release function. */
  hold(): () => void {
    if (this.holders++ === 0) {
      this.lastSeen = performance.now();
      this.ticker = setInterval(() => this.check(), this.tickMs);
      this.ticker.unref();
    }
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      if (--this.holders === 0) {
        clearInterval(this.ticker);
        this.ticker = undefined;
      }
    };
  }

  /** Milliseconds since the daemon last resumed from a stall; Infinity if it never stalled. */
  sinceStall(): number {
    const now = performance.now();
    this.check(now);
    return now - this.lastStallEnd;
  }

  private check(now = performance.now()): void {
    if (this.holders === 0) return; // nobody ticks: a gap means nothing
    const gap = now - this.lastSeen;
    this.lastSeen = now;
    if (gap <= this.tickMs + this.thresholdMs) return;
    this.lastStallEnd = now;
    try {
      this.onStall(gap);
    } catch {
      // A failing listener must not turn into a hang verdict.
    }
  }
}
