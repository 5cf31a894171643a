// The supervisor: a table of apps, each its own state machine (AppProcess), sharing one group
// registry (orphan cleanup) and one resource sampler (one timer for all apps).
import type { AppConfig } from '../config/schema/index.js';
import type { AppState, BulwarkEvent, LogLine } from '../events/types.js';
import { AppProcess, type ExitReport } from './app-process.js';
import { SupervisorError } from './errors.js';
import { GroupRegistry } from './orphans.js';
import { isGroupAlive } from './process-group.js';
import { ResourceSampler } from './resource-sampler.js';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SupervisorOptions {
  /** $BULWARK_HOME/logs: capture files <app>.out.log / <app>.err.log. */
  logsDir: string;
  /** $BULWARK_HOME/state: process-groups.json (orphan cleanup). */
  stateDir: string;
  /** Every LifecycleEvent. */
  emit(e: BulwarkEvent): void;
  /** Every captured stdout/stderr line. */
  onLine?(l: LogLine): void;
}

export interface AppStatus {
  name: string;
  pid: number | null;
  state: AppState;
  uptimeMs: number;
  restarts: number;
  cpu: number | null;
  memoryBytes: number | null;
  /** With the exit's cause (crash, exit, hang, cpu, memory, stop, spawn-failed) and, for a crash, the stderr lines that explain it. */
  lastExit: ExitReport | null;
  health: 'ok' | 'failing' | 'unknown' | 'none';
  /** Last <= 5 problems, newest last, each "<ISO time> <message>". */
  errors: string[];
}

export class Supervisor {
  private readonly apps = new Map<string, AppProcess>();
  private readonly registry: GroupRegistry;
  private readonly sampler = new ResourceSampler();

  constructor(private readonly opts: SupervisorOptions) {
    this.registry = new GroupRegistry(opts.stateDir);
  }

  /** Kills the process groups a previous (SIGKILLed) daemon left; waits up to 5 s for them to go. */
  async reapOrphans(): Promise<number> {
    const killed = this.registry.reapPrevious();
    const deadline = Date.now() + 5_000;
    while (killed.some((pgid) => isGroupAlive(pgid)) && Date.now() < deadline) await sleep(25);
    return killed.length;
  }

  add(app: AppConfig): void {
    if (this.apps.has(app.name)) throw new SupervisorError('EEXIST', `app "${app.name}" already exists`);
    this.apps.set(app.name, new AppProcess(app, {
      logsDir: this.opts.logsDir,
      registry: this.registry,
      sampler: this.sampler,
      emit: this.opts.emit,
      ...(this.opts.onLine !== undefined ? { onLine: this.opts.onLine } : {}),
    }));
  }

  async replace(app: AppConfig): Promise<void> {
    return this.get(app.name).replace(app);
  }

  async start(name: string, reason?: string, cause?: string): Promise<void> {
    return this.get(name).start(reason, cause);
  }

  /** The last exit of an app, once its stderr has drained (for `start`'s report of a failed start). */
  async exitReport(name: string): Promise<ExitReport | null> {
    return this.get(name).exitReport();
  }

  async stop(name: string): Promise<void> {
    return this.get(name).stop();
  }

  async restart(name: string, reason?: string): Promise<void> {
    return this.get(name).restart(reason);
  }

  async remove(name: string): Promise<void> {
    const app = this.get(name);
    await app.remove();
    this.apps.delete(name);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.apps.values()].map((a) => a.stop('daemon shutting down')));
    this.sampler.stop();
  }

  has(name: string): boolean {
    return this.apps.has(name);
  }

  names(): string[] {
    return [...this.apps.keys()];
  }

  config(name: string): AppConfig {
    return this.get(name).config;
  }

  status(name?: string): AppStatus[] {
    const list = name === undefined ? [...this.apps.values()] : [this.get(name)];
    return list.map((a) => ({
      name: a.name,
      pid: a.pid,
      state: a.state,
      uptimeMs: a.uptimeMs,
      restarts: a.restarts,
      cpu: a.usage === null ? null : Math.round(a.usage.cpu * 10) / 10,
      memoryBytes: a.usage?.memoryBytes ?? null,
      lastExit: a.lastExitReport(),
      health: a.health,
      errors: [...a.errors],
    }));
  }

  private get(name: string): AppProcess {
    const app = this.apps.get(name);
    if (app === undefined) throw new SupervisorError('ENOENT', `no app named "${name}"`);
    return app;
  }
}
