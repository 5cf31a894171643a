// Heartbeat and output silence are both "something must happen every T": one timer, refreshed
// (timer.refresh(), no allocation) on each heartbeat message or output chunk; firing = hung.
// Unless the daemon itself stalled meanwhile: then whatever the app sent is still unread in the
// pipe, so the deadline runs again for what is left of T after the daemon resumed.
import { formatDuration } from '../../common/units.js';
import type { StallWatch } from '../stall-watch.js';
import type { HealthProbe, ProbeName, ProbeReport } from './probe.js';

export class DeadlineProbe implements HealthProbe {
  private timer: NodeJS.Timeout;
  /** The delay `timer` was armed with: refresh() reuses it, so it must be the full timeout. */
  private armedMs: number;
  private seen = false;
  private stopped = false;

  constructor(
    private readonly name: ProbeName,
    private readonly timeoutMs: number,
    private readonly report: ProbeReport,
    private readonly stall: StallWatch,
  ) {
    this.armedMs = timeoutMs;
    this.timer = this.arm(timeoutMs);
  }

  touch(): void {
    if (this.stopped) return;
    if (this.armedMs === this.timeoutMs) {
      this.timer.refresh();
    } else {
      clearTimeout(this.timer);
      this.armedMs = this.timeoutMs;
      this.timer = this.arm(this.timeoutMs);
    }
    if (!this.seen) {
      this.seen = true;
      this.report.ok(this.name);
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private arm(ms: number): NodeJS.Timeout {
    const t = setTimeout(() => this.expired(), ms);
    t.unref();
    return t;
  }

  private expired(): void {
    if (this.stopped) return;
    const resumedAgo = this.stall.sinceStall();
    if (resumedAgo < this.timeoutMs) {
      this.armedMs = Math.max(1, Math.ceil(this.timeoutMs - resumedAgo));
      this.timer = this.arm(this.armedMs);
      return;
    }
    const what = this.name === 'heartbeat' ? 'no heartbeat' : 'no output';
    this.report.hung(this.name, `${what} for ${formatDuration(this.timeoutMs)}`);
  }
}
