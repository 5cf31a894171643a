// The supervisor: a table of apps, each its own state machine (AppProcess), sharing one orphan
// registry, one resource sampler (one timer for all apps), one stall watch (the daemon's own
// stalls do not count against apps) and one cgroup tree (each instance in its own cgroup, where
// one can be made; process groups otherwise).
import { setTimeout as sleep } from 'node:timers/promises';
import { formatDuration } from '../common/units.js';
import type { AppConfig } from '../config/schema/index.js';
import { newEventId } from '../events/id.js';
import type { AppState, BulwarkEvent, DaemonKind, SubState } from '../events/types.js';
import { AppProcess } from './app-process.js';
import type { ExitReport } from './last-exit.js';
import type { ReloadOutcome } from './rolling-reload.js';
import { CgroupTree } from './cgroup.js';
import { SupervisorError } from './errors.js';
import type { ProbeResult } from './health/probe.js';
import { GroupRegistry } from './orphans.js';
import type { ProcessScope } from './process-scope.js';
import { ResourceSampler } from './resource-sampler.js';
import { paced } from './spawn-gate.js';
import { StallWatch } from './stall-watch.js';

export interface SupervisorOptions {
  /** $BULWARK_HOME/logs: capture files <app>.out.log / <app>.err.log. */
  logsDir: string;
  /** $BULWARK_HOME/state: process-groups.json (orphan cleanup). */
  stateDir: string;
  /** Every LifecycleEvent, and daemon events about supervision (stall, containment). */
  emit(e: BulwarkEvent): void;
  /** Put each instance in its own cgroup v2 where possible (default true); false: process groups only. */
  cgroups?: boolean;
}

/** One instance of one app (`status --json` has one object per instance). */
export interface AppStatus {
  name: string;
  /** 0-based; an app without `instances` has instance 0 only. */
  instance: number;
  pid: number | null;
  state: AppState;
  /** The fine state (systemd-like): e.g. stop-sigterm / stop-sigkill while stopping. */
  substate: SubState;
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
  private readonly stall: StallWatch;
  private readonly cgroups: CgroupTree | null;
  /** How apps are contained, for the daemon log: one cgroup per instance, or why only process groups. */
  readonly containment: string;

  constructor(private readonly opts: SupervisorOptions) {
    this.registry = new GroupRegistry(opts.stateDir);
    this.stall = new StallWatch((lostMs) => this.daemonEvent('stall',
      `the daemon did not run for ${formatDuration(lostMs)} (stopped, suspended, or a blocked event loop); heartbeats and probes get their full timeout again before any hang verdict`));
    const tree = opts.cgroups === false ? 'cgroups are off' : CgroupTree.open(opts.stateDir);
    this.cgroups = typeof tree === 'string' ? null : tree;
    this.containment = typeof tree === 'string'
      ? `process groups only (${tree}): a child that calls setsid outlives its app's stop`
      : `cgroups (one per app instance, under ${tree.base})`;
  }

  get cgroupsActive(): boolean {
    return this.cgroups !== null;
  }

  /**
   * Kills what a previous (SIGKILLed) daemon left: its recorded cgroups and process groups, and any
   * cgroup under this supervisor's tree it did not make; waits up to 5 s for them to go.
   */
  async reapOrphans(): Promise<number> {
    const killed = new Map<string, ProcessScope>();
    for (const s of [...this.registry.reapPrevious(), ...(this.cgroups?.killLeftovers() ?? [])]) killed.set(s.label, s);
    const deadline = Date.now() + 5_000;
    const scopes = [...killed.values()];
    while (scopes.some((s) => s.alive()) && Date.now() < deadline) await sleep(25);
    for (const s of scopes) s.release();
    return killed.size;
  }

  add(app: AppConfig): void {
    if (this.apps.has(app.name)) throw new SupervisorError('EEXIST', `app "${app.name}" already exists`);
    this.apps.set(app.name, new AppProcess(app, {
      logsDir: this.opts.logsDir,
      registry: this.registry,
      sampler: this.sampler,
      stall: this.stall,
      cgroups: this.cgroups,
      emit: this.opts.emit,
    }));
  }

  async replace(app: AppConfig): Promise<void> {
    return this.get(app.name).replace(app);
  }

  async start(name: string, reason?: string, cause?: string): Promise<void> {
    return this.get(name).start(reason, cause);
  }

  /** The last exit of an app's instance, once its stderr has drained (for `start`'s report of a failed start). */
  async exitReport(name: string, instance = 0): Promise<ExitReport | null> {
    return this.get(name).slots[instance]?.exitReport() ?? null;
  }

  async stop(name: string): Promise<void> {
    return this.get(name).stop();
  }

  async restart(name: string, reason?: string): Promise<void> {
    return this.get(name).restart(reason);
  }

  /** Rolling reload (or a restart for an app that does not share its port through bulwark); rejects ERELOAD when a new instance fails. */
  async reload(name: string): Promise<ReloadOutcome> {
    return this.get(name).reload();
  }

  /** Runs `instances` instances of the app (its config's `instances` becomes that number). */
  async scale(name: string, instances: number): Promise<{ from: number; to: number }> {
    return this.get(name).scale(instances);
  }

  /** The app's state: its most alive instance's (online if any is). */
  appState(name: string): AppState {
    return this.get(name).state;
  }

  async remove(name: string): Promise<void> {
    const app = this.get(name);
    await app.remove();
    this.apps.delete(name);
  }

  async stopAll(): Promise<void> {
    await paced([...this.apps.values()], (a) => a.stop('daemon shutting down'));
    this.sampler.stop();
    this.cgroups?.close();
    await this.registry.flushed();
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

  /** One row per instance, apps in the order they were added, instances in order. */
  status(name?: string): AppStatus[] {
    const list = name === undefined ? [...this.apps.values()] : [this.get(name)];
    return list.flatMap((a) => a.slots.map((i) => ({
      name: a.name,
      instance: i.index,
      pid: i.run?.pid ?? null,
      state: i.state,
      substate: i.sub,
      uptimeMs: i.uptimeMs,
      restarts: i.restarts,
      cpu: i.usage?.cpu == null ? null : Math.round(i.usage.cpu * 10) / 10,
      memoryBytes: i.usage?.memoryBytes ?? null,
      lastExit: i.lastExitReport(),
      health: i.health,
      errors: [...i.errors],
    })));
  }

  /**
   * Fresh CPU and memory for `status` and metrics: one pass samples every app not sampled within
   * `maxAgeMs` (apps without limits are sampled only this way).
   */
  sampleNow(maxAgeMs: number): Promise<void> {
    return this.sampler.sampleNow(maxAgeMs);
  }

  /** The last check of each periodic health probe, per app (metrics). */
  probeResults(name: string, instance?: number): ProbeResult[] {
    return this.get(name).probeResults(instance);
  }

  private get(name: string): AppProcess {
    const app = this.apps.get(name);
    if (app === undefined) throw new SupervisorError('ENOENT', `no app named "${name}"`);
    return app;
  }

  private daemonEvent(kind: DaemonKind, message: string): void {
    try {
      this.opts.emit({ id: newEventId(), at: new Date().toISOString(), type: 'daemon', kind, message });
    } catch {
      // A failing listener must not stop supervision.
    }
  }
}
