// One app: its configuration, restart policy and triggers (cron, watch), its capture files, and
// its instances (one today), each a state machine with its current run (instance.ts, run.ts).
// User operations (start/stop/restart/replace/remove) and supervisor actions (respawn after
// backoff, hang kill, cron/watch restart) run one at a time through `serial`, so they never
// interleave; the policy decides what follows the end of a run.
import { formatDuration } from '../common/units.js';
import type { AppConfig } from '../config/schema/index.js';
import type { AppState, BulwarkEvent, SubState } from '../events/types.js';
import { openCaptureWriters, type CaptureWriters } from './capture-writers.js';
import type { CgroupTree } from './cgroup.js';
import { SupervisorError } from './errors.js';
import { describeExit } from './exit-report.js';
import { Instance, type EventExtra, type ExitReport, type Health, type InstanceHost } from './instance.js';
import type { ProbeResult } from './health/probe.js';
import type { GroupRegistry } from './orphans.js';
import type { ResourceSample, ResourceSampler } from './resource-sampler.js';
import { RestartPolicy } from './restart-policy.js';
import { RestartTriggers } from './restart-triggers.js';
import type { CaptureFiles, ExitRecord, Run } from './run.js';
import { SpawnCommandError } from './spawn-command.js';
import type { StallWatch } from './stall-watch.js';

export interface AppProcessDeps {
  logsDir: string;
  registry: GroupRegistry;
  sampler: ResourceSampler;
  stall: StallWatch;
  /** Where instances get their cgroups; null: process groups only. */
  cgroups: CgroupTree | null;
  emit(e: BulwarkEvent): void;
}

export class AppProcess {
  private cfg: AppConfig;
  private policy: RestartPolicy;
  private readonly instances: Instance[];
  private readonly triggers = new RestartTriggers(
    (reason, probe) => void this.restart(reason, probe).catch(() => undefined),
    () => this.state,
  );
  private files: CaptureWriters | null = null;
  private serial: Promise<unknown> = Promise.resolve();
  private removed = false;

  constructor(app: AppConfig, private readonly deps: AppProcessDeps) {
    this.cfg = app;
    this.policy = new RestartPolicy(app.restart);
    this.instances = [new Instance(0, this.host())];
  }

  // ---- what `status` shows (of the one instance, until apps have several) -----------------

  get name(): string { return this.cfg.name; }
  get config(): AppConfig { return this.cfg; }
  get state(): AppState { return this.main.state; }
  get substate(): SubState { return this.main.sub; }
  get pid(): number | null { return this.main.run?.pid ?? null; }
  get uptimeMs(): number { return this.main.uptimeMs; }
  get restarts(): number { return this.main.restarts; }
  get lastExit(): ExitRecord | null { return this.main.lastExit; }
  /** The last exit with its cause and, for a crash, the stderr lines that explain it. */
  lastExitReport(): ExitReport | null { return this.main.lastExitReport(); }
  /** The same once the stderr pipe drained (waits at most `drainMs`): `start`'s report of a failed start. */
  exitReport(drainMs?: number): Promise<ExitReport | null> { return this.main.exitReport(drainMs); }
  get health(): Health { return this.main.health; }
  get usage(): ResourceSample | null { return this.main.usage; }
  get errors(): string[] { return this.main.errors; }

  /** The last check of each periodic health probe of the current runs. */
  probeResults(): ProbeResult[] {
    return this.instances.flatMap((i) => (i.run?.probes ?? []).flatMap((p) => p.last?.() ?? []));
  }

  private get main(): Instance {
    return this.instances[0]!;
  }

  // ---- user operations -------------------------------------------------------------------

  /** Starts a stopped, errored or backing-off app; `reason`/`cause` say who asked (user, resurrect). */
  start(reason = 'started by user', cause = 'user'): Promise<void> {
    return this.serialize(async () => {
      await this.triggers.start(this.cfg);
      const inst = this.main;
      if (inst.state === 'online' || inst.state === 'starting') return;
      inst.cancelRestart();
      this.policy.reset();
      await this.spawn(inst, 'start', reason, cause);
    });
  }

  stop(reason = 'stopped by user'): Promise<void> {
    return this.serialize(() => this.stopNow(this.main, reason));
  }

  restart(reason = 'restarted by user', probe = 'user'): Promise<void> {
    return this.serialize(async () => {
      await this.triggers.start(this.cfg);
      const inst = this.main;
      inst.cancelRestart();
      this.policy.reset();
      if (inst.run !== null && inst.state === 'online') await inst.stopRun('stop', `${reason}: stopping`, probe, this.cfg.stop.timeout);
      await this.spawn(inst, 'restart', reason, probe);
    });
  }

  replace(app: AppConfig): Promise<void> {
    return this.serialize(async () => {
      const wasStopped = this.main.state === 'stopped';
      await this.stopNow(this.main, 'configuration replaced');
      this.closeFiles();
      this.cfg = app;
      this.policy = new RestartPolicy(app.restart);
      for (const inst of this.instances) inst.resetHealth();
      if (!wasStopped) {
        await this.triggers.start(this.cfg);
        await this.spawn(this.main, 'start', 'started with new configuration', 'user');
      }
    });
  }

  remove(): Promise<void> {
    return this.serialize(async () => {
      await this.stopNow(this.main, 'deleted by user');
      this.removed = true;
      this.closeFiles();
      for (const inst of this.instances) inst.release();
      this.main.note('delete', 'removed from the supervisor');
    });
  }

  // ---- the policy ------------------------------------------------------------------------

  private serialize<T>(op: () => Promise<T>): Promise<T> {
    const p = this.serial.then(() => {
      if (this.removed) throw new SupervisorError('EREMOVED', `app "${this.cfg.name}" was removed`);
      return op();
    });
    this.serial = p.catch(() => undefined);
    return p;
  }

  private async stopNow(inst: Instance, reason: string): Promise<void> {
    this.triggers.stop();
    inst.cancelRestart();
    if (inst.run !== null && (inst.state === 'online' || inst.state === 'starting')) {
      const exit = await inst.stopRun('stop', reason, 'user', this.cfg.stop.timeout);
      inst.transition('stopped', 'dead', `stopped (${describeExit(exit)})`, { code: exit.code, signal: exit.signal });
    } else if (inst.state !== 'stopped') {
      await inst.gone;
      inst.transition('stopped', 'dead', reason, { probe: 'user' });
    }
  }

  /** Spawns a run of `inst`; a failed spawn is a crash for the policy, and rejects (ESPAWN). */
  private async spawn(inst: Instance, kind: 'start' | 'restart', reason: string, probe?: string): Promise<void> {
    try {
      await inst.spawn(kind, reason, probe);
    } catch (err) {
      if (!(err instanceof SupervisorError) || err.cause instanceof SpawnCommandError) throw err;
      this.afterEnd(inst, false, 'crash', `spawn failed: ${err.cause instanceof Error ? err.cause.message : err.message}`, { code: null, signal: null }, 0);
      throw err;
    }
  }

  /** The leader exited on its own: an exit or a crash. */
  private runExited(inst: Instance, run: Run, exit: ExitRecord): void {
    inst.ended(run, exit);
    const clean = exit.code === 0;
    if (!clean) inst.pushError(`crashed: ${describeExit(exit)}`);
    this.afterEnd(inst, clean, clean ? 'exit' : 'crash', `exited: ${describeExit(exit)}`, exit, Date.now() - run.spawnedAt);
  }

  /** A hang or a broken limit: kill the run (short grace: its handler cannot run), then restart. */
  private killHung(inst: Instance, run: Run, kind: 'hang' | 'cpu' | 'memory', probe: string, reason: string): Promise<void> {
    return this.serialize(async () => {
      if (inst.run !== run || inst.state !== 'online') return;
      inst.pushError(reason);
      const uptime = Date.now() - run.spawnedAt;
      const exit = await inst.stopRun(kind, reason, probe, this.cfg.stop.hangTimeout);
      this.afterEnd(inst, false, 'backoff', `${reason}; killed (${describeExit(exit)})`, exit, uptime, probe);
    }).catch(() => undefined);
  }

  /** After a run ended on its own or was killed as hung: backoff and respawn, or a final state. */
  private afterEnd(inst: Instance, clean: boolean, kind: 'exit' | 'crash' | 'backoff', reason: string, exit: Pick<ExitRecord, 'code' | 'signal'>, uptimeMs: number, probe?: string): void {
    const extra: EventExtra = { code: exit.code, signal: exit.signal, ...(probe !== undefined ? { probe } : {}) };
    if (!this.policy.wants(clean)) {
      inst.transition(kind, clean ? 'dead' : 'failed', `${reason}; restart policy "${this.cfg.restart.policy}": not restarting`, extra);
      return;
    }
    const verdict = this.policy.next(uptimeMs);
    if (!verdict.restart) {
      // Errored hook: maxRestarts failed starts in a row. The transition, then the `errored` event alerts hear.
      const why = `gave up: ${verdict.reason}; no more restarts until started again`;
      inst.pushError(why);
      inst.transition(kind, 'failed', `${reason}; ${why}`, extra);
      inst.note('errored', why, extra);
      return;
    }
    const failed = verdict.failedStarts > 0 ? ` (${verdict.failedStarts} failed start${verdict.failedStarts > 1 ? 's' : ''} in a row; errored at ${this.cfg.restart.maxRestarts + 1})` : '';
    inst.transition(kind, 'auto-restart', `${reason}; restart ${verdict.attempt} in ${formatDuration(verdict.delayMs)}${failed}`, extra);
    inst.scheduleRestart(verdict.delayMs, () => {
      void this.serialize(async () => {
        if (inst.state !== 'backoff') return;
        await this.spawn(inst, 'restart', `restart ${verdict.attempt} after ${kind}`, probe);
      }).catch(() => undefined);
    });
  }

  // ---- capture files (shared by the app's runs, opened on first use) ----------------------

  private captureFiles(): CaptureFiles | string {
    const { logsDir } = this.deps;
    try {
      if (this.files === null) {
        this.files = openCaptureWriters(this.cfg, logsDir);
        for (const p of this.files.problems) this.main.pushError(p);
      }
      return { out: this.files.stdout, err: this.files.stderr };
    } catch (e) {
      return `cannot open capture files in ${logsDir}: ${(e as Error).message}`;
    }
  }

  private closeFiles(): void {
    this.files?.close();
    this.files = null;
  }

  private host(): InstanceHost {
    const app = this;
    const { registry, sampler, stall, cgroups, emit } = this.deps;
    return {
      get config() { return app.cfg; },
      registry, sampler, stall, cgroups, emit,
      captureFiles: () => this.captureFiles(),
      runExited: (inst, run, exit) => this.runExited(inst, run, exit),
      runHung: (inst, run, kind, probe, reason) => void this.killHung(inst, run, kind, probe, reason),
    };
  }
}

export type { ExitReport } from './instance.js';
