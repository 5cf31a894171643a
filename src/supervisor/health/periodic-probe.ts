// Runs one check every `interval` (never overlapping itself); `failures` failed checks in a row
// mean the app is hung. Used by the HTTP and TCP probes, scheduled on the shared timer wheel (one
// timer for every app's probes). A check that failed across a stall of the daemon itself (its
// timeout fired before the answer waiting in the socket was read) does not count: the next check
// decides.
import type { StallWatch } from '../stall-watch.js';
import { sharedWheel, type TimerWheel, type WheelTimer } from '../timer-wheel.js';
import type { HealthProbe, ProbeName, ProbeReport, ProbeResult } from './probe.js';

export interface PeriodicProbeOptions {
  interval: number;
  timeout: number;
  failures: number;
}

/** A check resolves when healthy and rejects with a reason otherwise; it must honour `timeoutMs`. */
export type Check = (timeoutMs: number) => Promise<void>;

export class PeriodicProbe implements HealthProbe {
  private timer: WheelTimer | undefined;
  private failedInRow = 0;
  private stopped = false;
  private lastResult: ProbeResult | null = null;

  constructor(
    private readonly name: ProbeName,
    private readonly opts: PeriodicProbeOptions,
    private readonly check: Check,
    private readonly report: ProbeReport,
    private readonly stall: StallWatch,
    private readonly wheel: TimerWheel = sharedWheel,
  ) {
    this.schedule();
  }

  last(): ProbeResult | null {
    return this.lastResult;
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private schedule(): void {
    if (this.stopped) return;
    const when = performance.now() + this.opts.interval;
    if (this.timer === undefined) this.timer = this.wheel.at(when, () => void this.run());
    else this.timer.again(when);
  }

  private async run(): Promise<void> {
    const began = performance.now();
    const done = (ok: boolean): void => { this.lastResult = { probe: this.name, ok, latencyMs: performance.now() - began, at: Date.now() }; };
    try {
      await this.check(this.opts.timeout);
      if (this.stopped) return;
      done(true);
      this.failedInRow = 0;
      this.report.ok(this.name);
    } catch (err) {
      if (this.stopped) return;
      if (this.stall.sinceStall() < performance.now() - began) {
        this.schedule();
        return;
      }
      done(false);
      this.failedInRow++;
      const reason = err instanceof Error ? err.message : String(err);
      if (this.failedInRow >= this.opts.failures) {
        this.report.hung(this.name, `${this.name} probe failed ${this.failedInRow} times in a row: ${reason}`);
        return; // the app is being restarted; a new probe comes with the new process
      }
      this.report.fail(this.name, reason, this.failedInRow);
    }
    this.schedule();
  }
}
