// Restarts that come from outside the app: a cron schedule and file changes (watch). Alive from an
// app's start to its stop; loaded on first use (node-cron, chokidar).
import type { AppConfig } from '../config/schema/index.js';
import type { AppState } from '../events/types.js';
import { CronRestart } from './cron-restart.js';
import { WatchRestart } from './watch-restart.js';

export class RestartTriggers {
  private cron: CronRestart | null = null;
  private watcher: WatchRestart | null = null;

  constructor(private readonly restart: (reason: string, probe: 'cron' | 'watch') => void, private readonly state: () => AppState) {}

  /** Starts the triggers `cfg` asks for (once); resolves when a watcher's initial scan is done. */
  async start(cfg: AppConfig): Promise<void> {
    if (cfg.cron !== undefined && this.cron === null) {
      this.cron = await CronRestart.create(cfg.cron, cfg.name, () => {
        // An app that ended on its own (a job with restart policy never) is started again at each
        // tick, as PM2 does.
        const state = this.state();
        if (state === 'online' || state === 'stopped' || state === 'errored') this.restart(`scheduled restart (${cfg.cron})`, 'cron');
      });
    }
    if (cfg.watch !== undefined && this.watcher === null) {
      this.watcher = await WatchRestart.forApp(cfg, cfg.watch, (why) => {
        // A fixed file is also how a developer revives a crashed app (nodemon#764).
        const state = this.state();
        if (state !== 'stopped' && state !== 'stopping') this.restart(`watch: ${why}`, 'watch');
      });
    }
    await this.watcher?.ready;
  }

  stop(): void {
    this.cron?.stop();
    this.cron = null;
    void this.watcher?.close();
    this.watcher = null;
  }
}
