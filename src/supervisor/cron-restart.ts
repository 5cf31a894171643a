// Scheduled restart (`cron`, node-cron syntax incl. an optional seconds field). The task's timer is
// unref'd and node-cron's own console logger is silenced: a missed tick is not the operator's news.
// node-cron is loaded on first use: a daemon without cron apps does not pay its memory.
import type { ScheduledTask } from 'node-cron';
import { nodeCron } from '../common/node-cron.js';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

export class CronRestart {
  private constructor(private readonly task: ScheduledTask) {}

  static async create(expression: string, name: string, onFire: () => void): Promise<CronRestart> {
    return new CronRestart(nodeCron().schedule(expression, () => onFire(), { name: `bulwark:${name}`, noOverlap: true, unref: true, logger: quiet }));
  }

  stop(): void {
    void this.task.destroy();
  }
}
