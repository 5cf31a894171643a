// Scheduled restart (`cron`, node-cron syntax incl. an optional seconds field). The task's timer is
// unref'd and node-cron's own console logger is silenced: a missed tick is not the operator's news.
import cron, { type ScheduledTask } from 'node-cron';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

export class CronRestart {
  private readonly task: ScheduledTask;

  constructor(expression: string, name: string, onFire: () => void) {
    this.task = cron.schedule(expression, () => onFire(), { name: `bulwark:${name}`, noOverlap: true, unref: true, logger: quiet });
  }

  stop(): void {
    void this.task.destroy();
  }
}
