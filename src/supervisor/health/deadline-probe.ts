// Heartbeat and output silence are both "something must happen every T": one timer, refreshed
// (timer.refresh(), no allocation) on each heartbeat message or output chunk; firing = hung.
import { formatDuration } from '../../common/units.js';
import type { HealthProbe, ProbeName, ProbeReport } from './probe.js';

export class DeadlineProbe implements HealthProbe {
  private readonly timer: NodeJS.Timeout;
  private seen = false;

  constructor(private readonly name: ProbeName, timeoutMs: number, private readonly report: ProbeReport) {
    const what = name === 'heartbeat' ? 'no heartbeat' : 'no output';
    this.timer = setTimeout(() => report.hung(name, `${what} for ${formatDuration(timeoutMs)}`), timeoutMs);
    this.timer.unref();
  }

  touch(): void {
    this.timer.refresh();
    if (!this.seen) {
      this.seen = true;
      this.report.ok(this.name);
    }
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
