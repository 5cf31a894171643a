// Heartbeat and output silence are both "something must happen every T". A touch (each heartbeat
// message, each output chunk) only notes the time; one entry in the shared timer wheel looks when
// the deadline may have passed and, if a touch came since, moves itself to the new deadline. So a
// beat costs a clock read, and a thousand apps' deadlines cost the wheel a few wake-ups a second.
// Unless the daemon itself stalled meanwhile: then whatever the app sent is still unread in the
// pipe, so the deadline runs again for the full T from the moment the daemon resumed.
import { formatDuration } from '../../common/units.js';
import type { StallWatch } from '../stall-watch.js';
import { sharedWheel, type TimerWheel, type WheelTimer } from '../timer-wheel.js';
import type { HealthProbe, ProbeName, ProbeReport } from './probe.js';

export class DeadlineProbe implements HealthProbe {
  /** One wheel timer for the probe's life, moved by each look. */
  private readonly timer: WheelTimer;
  /** performance.now() of the last touch (or of the start). */
  private lastSeen: number;
  /** Not before this (after a stall: the resume plus the timeout). */
  private notBefore = 0;
  private seen = false;
  private stopped = false;

  constructor(
    private readonly name: ProbeName,
    private readonly timeoutMs: number,
    private readonly report: ProbeReport,
    private readonly stall: StallWatch,
    wheel: TimerWheel = sharedWheel,
  ) {
    this.lastSeen = performance.now();
    this.timer = wheel.at(this.lastSeen + timeoutMs, () => this.check());
  }

  touch(): void {
    if (this.stopped) return;
    this.lastSeen = performance.now();
    if (!this.seen) {
      this.seen = true;
      this.report.ok(this.name);
    }
  }

  stop(): void {
    this.stopped = true;
    this.timer.cancel();
  }

  private check(): void {
    if (this.stopped) return;
    const now = performance.now();
    const due = Math.max(this.lastSeen + this.timeoutMs, this.notBefore);
    if (due > now) {
      this.timer.again(due);
      return;
    }
    const resumedAgo = this.stall.sinceStall();
    if (resumedAgo < this.timeoutMs) {
      this.notBefore = now - resumedAgo + this.timeoutMs;
      this.timer.again(this.notBefore);
      return;
    }
    const what = this.name === 'heartbeat' ? 'no heartbeat' : 'no output';
    this.report.hung(this.name, `${what} for ${formatDuration(this.timeoutMs)}`);
  }
}
