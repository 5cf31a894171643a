// Heartbeat and output silence are both "something must happen every T". A touch (each heartbeat
// message, each output chunk) only notes the time; one entry in the shared timer wheel looks when
// the deadline may have passed and, if a touch came since, moves itself to the new deadline. So a
// beat costs a clock read, and a thousand beating apps cost a few wake-ups a second.
// Unless the daemon itself stalled meanwhile: then whatever the app sent is still unread in the
// pipe, so the deadline runs again for the full T from the moment the daemon resumed.
// A heartbeat channel read on demand (app-channel.ts) is drained before each look, and looked at
// every T/16 (at most every second): a beat counts from when it was read, so a hang is declared
// between T and T + T/16 after the last beat, for one synchronous read per app per look.
import { formatDuration } from '../../common/units.js';
import type { StallWatch } from '../stall-watch.js';
import { sharedWheel, type TimerWheel, type WheelTimer } from '../timer-wheel.js';
import type { HealthProbe, ProbeName, ProbeReport } from './probe.js';

/** The most a beat read on demand may wait to be read... */
const READ_EVERY_MAX_MS = 1_000;
/**
 * ... and the most, as a part of the timeout. T/16 cost 3.9 % of a core with 1,000 apps beating
 * every second at T = 5 s (bench/scale.ts); T/8 cost 2.6 %, but saw a hang 250 ms later at T = 2 s.
 */
const READ_EVERY_PART = 16;

export class DeadlineProbe implements HealthProbe {
  /** One wheel timer for the probe's life, moved by each look. */
  private readonly timer: WheelTimer;
  /** performance.now() of the last touch (or of the start). */
  private lastSeen: number;
  /** Not before this (after a stall: the resume plus the timeout). */
  private notBefore = 0;
  private seen = false;
  private stopped = false;
  /** Reads what the app sent (touching this probe) before each look; null: touches come by themselves. */
  private read: (() => void) | null = null;

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

  /** Whether a touch came since the start. */
  get touched(): boolean {
    return this.seen;
  }

  /** From now on touches come only from `read`, which runs before each look, every T/16, at most 1 s. */
  readBeforeLooks(read: () => void): void {
    if (this.stopped) return;
    this.read = read;
    this.timer.again(performance.now() + this.readEveryMs);
  }

  private get readEveryMs(): number {
    return Math.min(READ_EVERY_MAX_MS, this.timeoutMs / READ_EVERY_PART);
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
    this.read?.();
    const now = performance.now();
    const due = Math.max(this.lastSeen + this.timeoutMs, this.notBefore);
    if (due > now) {
      this.lookAt(due, now);
      return;
    }
    const resumedAgo = this.stall.sinceStall();
    if (resumedAgo < this.timeoutMs) {
      this.notBefore = now - resumedAgo + this.timeoutMs;
      this.lookAt(this.notBefore, now);
      return;
    }
    const what = this.name === 'heartbeat' ? 'no heartbeat' : 'no output';
    this.report.hung(this.name, `${what} for ${formatDuration(this.timeoutMs)}`);
  }

  /** The next look: at `due`, or sooner while the channel is read on demand (a read every readEveryMs). */
  private lookAt(due: number, now: number): void {
    this.timer.again(this.read === null ? due : Math.min(due, now + this.readEveryMs));
  }
}
