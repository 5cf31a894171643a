// One app: its configuration, restart policy and triggers (cron, watch), its capture files, the
// sockets the daemon holds for it, and its instances 0..N-1 (`instances: N`), each a state machine
// with its current run (instance.ts, run.ts). User operations (start/stop/restart/reload/scale/
// replace/remove) and supervisor actions (respawn after backoff, hang kill, cron/watch restart) run
// one at a time through `serial`, so they never interleave; the policy decides what follows the
// end of a run, per instance.
import { stopTimeout } from '../config/schema/cluster.js';
import type { AppConfig } from '../config/schema/index.js';
import { newEventId } from '../events/id.js';
import type { AppState, BulwarkEvent } from '../events/types.js';
import { CaptureFilesOnDemand } from './capture-writers.js';
import type { CgroupTree } from './cgroup.js';
import { instanceCount, portSharing } from './cluster-mode.js';
import { SupervisorError } from './errors.js';
import { describeExit } from './exit-report.js';
import type { ProbeResult } from './health/probe.js';
import type { CaptureFiles } from './output-capture.js';
import { HeldSockets } from './held-sockets.js';
import type { InstanceHost } from './instance-host.js';
import { Instance } from './instance.js';
import type { GroupRegistry } from './orphans.js';
import type { ResourceSampler } from './resource-sampler.js';
import { RestartTriggers } from './restart-triggers.js';
import { rollingReload, type ReloadOutcome } from './rolling-reload.js';
import type { Run } from './run.js';
import type { ExitRecord } from './run-context.js';
import { afterRunEnd } from './run-end-policy.js';
import { spawnCommandFor, SpawnCommandError } from './spawn-command.js';
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

/** The app's state is its most alive instance's. */
const LIVELIEST: readonly AppState[] = ['online', 'starting', 'stopping', 'backoff', 'errored', 'stopped'];
let workerIds = 0;

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** An app, and the host of its instances: they call back into it (one object: a host per instance cost ~1.3 KB). */
export class AppProcess implements InstanceHost {
  private cfg: AppConfig;
  private instances: Instance[];
  readonly sockets: HeldSockets;
  private generation = 0;
  private readonly triggers = new RestartTriggers(
    (reason, probe) => void this.restart(reason, probe).catch(() => undefined),
    () => this.state,
  );
  /** Capture files, shared by the app's runs, opened on first use. */
  private readonly files: CaptureFilesOnDemand;
  private serial: Promise<unknown> = Promise.resolve();
  private removed = false;

  constructor(app: AppConfig, private readonly deps: AppProcessDeps) {
    this.cfg = app;
    this.sockets = new HeldSockets(app.name);
    this.files = new CaptureFilesOnDemand(deps.logsDir);
    this.instances = Array.from({ length: instanceCount(app) }, (_, i) => new Instance(i, this));
  }

  get name(): string { return this.cfg.name; }
  get config(): AppConfig { return this.cfg; }

  // ---- what its instances ask of it (InstanceHost) -----------------------------------------

  get registry(): GroupRegistry { return this.deps.registry; }
  get sampler(): ResourceSampler { return this.deps.sampler; }
  get stall(): StallWatch { return this.deps.stall; }
  get cgroups(): CgroupTree | null { return this.deps.cgroups; }
  emit(e: BulwarkEvent): void { this.deps.emit(e); }
  instanceCount(): number { return this.instances.length; }
  nextWorkerId(): number { return ++workerIds; }
  captureFiles(index: number): CaptureFiles | string {
    return this.files.forInstance(this.cfg, index, (p) => this.instances[0]?.pushError(p));
  }
  runHung(inst: Instance, run: Run, kind: 'hang' | 'cpu' | 'memory', probe: string, reason: string): void {
    void this.killHung(inst, run, kind, probe, reason);
  }
  /** The last check of each periodic health probe of the current runs (of one instance, where given). */
  probeResults(instance?: number): ProbeResult[] {
    return this.instances.filter((i) => instance === undefined || i.index === instance).flatMap((i) => (i.run?.probes ?? []).flatMap((p) => p.last?.() ?? []));
  }

  /** The instances 0..N-1, in order (what `status` shows, one row each). */
  get slots(): readonly Instance[] { return this.instances; }
  get state(): AppState {
    return LIVELIEST.find((s) => this.instances.some((i) => i.state === s)) ?? 'stopped';
  }

  // ---- user operations -------------------------------------------------------------------

  /** Starts the instances that are stopped, errored or backing off; `reason`/`cause` say who asked. */
  start(reason = 'started by user', cause = 'user'): Promise<void> {
    return this.serialize(async () => {
      await this.triggers.start(this.cfg);
      await this.each(this.instances, async (inst) => {
        if (inst.state === 'online' || inst.state === 'starting') return;
        inst.cancelRestart();
        inst.policy.reset();
        await this.spawn(inst, 'start', reason, cause);
      });
    });
  }

  stop(reason = 'stopped by user'): Promise<void> {
    return this.serialize(async () => {
      this.triggers.stop();
      await this.each(this.instances, (inst) => this.stopNow(inst, reason));
      this.sockets.close(); // the port is free again, as after any stop
    });
  }

  /** Stop-then-start, one instance at a time (the others serve meanwhile). */
  restart(reason = 'restarted by user', probe = 'user'): Promise<void> {
    return this.serialize(async () => {
      await this.triggers.start(this.cfg);
      for (const inst of this.instances) await this.restartInPlace(inst, reason, probe);
    });
  }

  /** Rolling replacement where the instances share their port through bulwark, else a restart (rolling-reload.ts). */
  reload(): Promise<ReloadOutcome> {
    return this.serialize(async () => {
      await this.triggers.start(this.cfg);
      return rollingReload(this.reloadHost(), this.sharesPort());
    });
  }

  /** Runs `n` instances: new ones start (each ready before the next), surplus ones stop gracefully, highest first. */
  scale(n: number): Promise<{ from: number; to: number }> {
    return this.serialize(async () => {
      if (!Number.isInteger(n) || n < 1) throw new SupervisorError('ESCALE', `cannot scale "${this.cfg.name}" to ${n}: give 1 or more instances (stop it to run none)`);
      const from = this.instances.length;
      // An app that ran one process of its own keeps its mode: its listen() binds the port itself.
      const pinned = this.cfg.instances === undefined && this.cfg.exec_mode === undefined ? { exec_mode: 'fork' as const } : {};
      this.cfg = { ...this.cfg, ...pinned, instances: n };
      const running = this.state !== 'stopped';
      for (let i = from; i < n; i++) {
        const inst = new Instance(i, this);
        this.instances.push(inst);
        if (running) await this.spawn(inst, 'start', `scaled to ${plural(n, 'instance')}`, 'user').catch(() => undefined);
      }
      while (this.instances.length > n) {
        const inst = this.instances[this.instances.length - 1]!;
        await this.stopNow(inst, `scaled to ${plural(n, 'instance')}`);
        this.instances.pop();
        inst.release();
        this.files.closeInstance(inst.index);
      }
      this.appNote('scale', `scaled from ${from} to ${plural(n, 'instance')}`);
      return { from, to: n };
    });
  }

  replace(app: AppConfig): Promise<void> {
    return this.serialize(async () => {
      const wasStopped = this.state === 'stopped';
      this.triggers.stop();
      await this.each(this.instances, (inst) => this.stopNow(inst, 'configuration replaced'));
      this.files.close();
      // The ports stay held across a new configuration that listens on the same ones.
      if (JSON.stringify(app.listen) !== JSON.stringify(this.cfg.listen)) this.sockets.close();
      this.cfg = app;
      const n = instanceCount(app);
      for (const gone of this.instances.splice(n)) gone.release();
      for (let i = this.instances.length; i < n; i++) this.instances.push(new Instance(i, this));
      for (const inst of this.instances) inst.reconfigured();
      if (!wasStopped) {
        await this.triggers.start(this.cfg);
        await this.each(this.instances, (inst) => this.spawn(inst, 'start', 'started with new configuration', 'user'));
      }
    });
  }

  remove(): Promise<void> {
    return this.serialize(async () => {
      this.triggers.stop();
      await this.each(this.instances, (inst) => this.stopNow(inst, 'deleted by user'));
      this.sockets.close();
      this.removed = true;
      this.files.close();
      for (const inst of this.instances) inst.release();
      this.appNote('delete', 'removed from the supervisor');
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

  /** Runs `op` on every instance at once; rejects with the first failure once all are done. */
  private async each(list: readonly Instance[], op: (inst: Instance) => Promise<unknown>): Promise<void> {
    const failed = (await Promise.allSettled(list.map(op))).find((r) => r.status === 'rejected');
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  }

  private sharesPort(): boolean {
    try {
      return portSharing(this.cfg, spawnCommandFor(this.cfg)) !== 'none';
    } catch {
      return false; // nothing runnable: the restart says why
    }
  }

  private async stopNow(inst: Instance, reason: string): Promise<void> {
    inst.cancelRestart();
    if (inst.run !== null && (inst.state === 'online' || inst.state === 'starting')) {
      const exit = await inst.stopRun('stop', reason, 'user', stopTimeout(this.cfg));
      inst.transition('stopped', 'dead', `stopped (${describeExit(exit)})`, { code: exit.code, signal: exit.signal });
    } else if (inst.state !== 'stopped') {
      await inst.gone;
      inst.transition('stopped', 'dead', reason, { probe: 'user' });
    }
  }

  private async restartInPlace(inst: Instance, reason: string, probe = 'user'): Promise<void> {
    inst.cancelRestart();
    inst.policy.reset();
    if (inst.run !== null && inst.state === 'online') await inst.stopRun('stop', `${reason}: stopping`, probe, stopTimeout(this.cfg));
    await this.spawn(inst, 'restart', reason, probe);
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

  /** The leader exited on its own: an exit or a crash. A reload's new instance that ended before it was ready is just dropped. */
  runExited(inst: Instance, run: Run, exit: ExitRecord): void {
    inst.deferEvents(); // the respawn goes first
    inst.ended(run, exit);
    const clean = exit.code === 0;
    if (!clean) inst.pushError(`crashed: ${describeExit(exit)}`);
    if (!this.instances.includes(inst)) {
      inst.transition(clean ? 'exit' : 'crash', clean ? 'dead' : 'failed', `exited before it was ready: ${describeExit(exit)}; not restarted (a reload's new instance)`, { code: exit.code, signal: exit.signal });
      return;
    }
    this.afterEnd(inst, clean, clean ? 'exit' : 'crash', `exited: ${describeExit(exit)}`, exit, Date.now() - run.spawnedAt);
  }

  /** A hang or a broken limit: kill the run (short grace: its handler cannot run), then restart. */
  private killHung(inst: Instance, run: Run, kind: 'hang' | 'cpu' | 'memory', probe: string, reason: string): Promise<void> {
    return this.serialize(async () => {
      if (inst.run !== run || inst.state !== 'online' || !this.instances.includes(inst)) return;
      inst.pushError(reason);
      const uptime = Date.now() - run.spawnedAt;
      const exit = await inst.stopRun(kind, reason, probe, this.cfg.stop.hangTimeout);
      this.afterEnd(inst, false, 'backoff', `${reason}; killed (${describeExit(exit)})`, exit, uptime, probe);
    }).catch(() => undefined);
  }

  /** After a run ended on its own or was killed as hung: backoff and respawn, or a final state (run-end-policy.ts). */
  private afterEnd(inst: Instance, clean: boolean, kind: 'exit' | 'crash' | 'backoff', reason: string, exit: Pick<ExitRecord, 'code' | 'signal'>, uptimeMs: number, probe?: string): void {
    afterRunEnd(inst, this.cfg.restart, { clean, kind, reason, exit, uptimeMs, probe }, (respawnReason) => {
      void this.serialize(async () => {
        if (inst.state !== 'backoff' || !this.instances.includes(inst)) return;
        await this.spawn(inst, 'restart', respawnReason, probe);
      }).catch(() => undefined);
    });
  }

  /** An event about the app as a whole (no `instance`). */
  private appNote(kind: 'reload' | 'scale' | 'delete', reason: string): void {
    const now = Date.now();
    try {
      this.deps.emit({ id: newEventId(now), at: new Date(now).toISOString(), type: 'lifecycle', app: this.cfg.name, kind, reason });
    } catch {
      // A failing listener must not stop supervision.
    }
  }

  private reloadHost() {
    return {
      config: this.cfg,
      slots: () => this.instances,
      candidate: (index: number) => new Instance(index, this, ++this.generation),
      swap: (index: number, next: Instance) => { this.instances[index] = next; },
      retire: async (old: Instance, reason: string) => {
        await this.stopNow(old, reason);
        old.release();
      },
      restartInPlace: (inst: Instance, reason: string) => this.restartInPlace(inst, reason),
      appNote: (kind: 'reload', reason: string) => this.appNote(kind, reason),
    };
  }
}
