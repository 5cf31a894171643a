// One supervised slot of an app: its state machine (sub-state, checked against lifecycle.ts on
// every move), its current run, its restart count and backoff, and what `status` shows of it (pid,
// restarts, last exit, health, usage, errors). An app owns its instances 0..N-1 (`instances: N`);
// a reload puts a new Instance (the next generation) beside the old one of the same index and
// swaps them once the new one is ready. The app decides what to do when a run ends (the policy),
// the instance carries it out and says so in events, each carrying its `instance` number.
import { formatDuration } from '../common/units.js';
import type { AppState, LifecycleEvent, NoteKind, SubState, TransitionKind } from '../events/types.js';
import { leafName, type CgroupScope } from './cgroup.js';
import { clusterRefusal, portSharing, type PortSharing } from './cluster-mode.js';
import { SupervisorError } from './errors.js';
import type { NativeHandle } from './held-sockets.js';
import { InstanceEvents } from './instance-events.js';
import type { InstanceHost } from './instance-host.js';
import { LastExit, type ExitReport } from './last-exit.js';
import { firstStopPhase } from './process-scope.js';
import { describeReadiness, readinessOf } from './readiness.js';
import type { ResourceSample } from './resource-sampler.js';
import { RestartPolicy } from './restart-policy.js';
import { Run } from './run.js';
import type { ExitRecord, RunContext, RunEvents } from './run-context.js';
import { spawnCommandFor, SpawnCommandError, type SpawnCommand } from './spawn-command.js';
import { STATE_OF, assertTransition } from './lifecycle.js';

const MAX_ERRORS = 5;

export type Health = 'ok' | 'failing' | 'unknown' | 'none';
export type EventExtra = Partial<Pick<LifecycleEvent, 'pid' | 'code' | 'signal' | 'probe'>>;

/** How a spawn ended: online (ready, or late outside a reload), not ready in time, or the run ended meanwhile. */
export type SpawnResult = 'online' | 'not-ready' | 'ended';

export class Instance {
  sub: SubState = 'dead';
  run: Run | null = null;
  /** The pid of its latest run, kept after the run ended (for reports). */
  lastPid: number | null = null;
  restarts = 0;
  /** When and whether the run that ended comes back (per instance: each counts its own failed starts). */
  policy: RestartPolicy;
  health: Health;
  usage: ResourceSample | null = null;
  readonly errors: string[] = [];
  /** The previous run's scope is being emptied; a respawn waits for it. */
  gone: Promise<void> = Promise.resolve();
  private readonly exit = new LastExit();
  private readonly events: InstanceEvents;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(readonly index: number, private readonly host: InstanceHost, readonly generation = 0) {
    this.health = this.noHealth();
    this.policy = new RestartPolicy(host.config.restart);
    this.events = new InstanceEvents(host, index);
  }

  get lastExit(): ExitRecord | null {
    return this.exit.record;
  }

  get state(): AppState {
    return STATE_OF[this.sub];
  }

  /** `<app>@<index>` (`~<generation>` for a reload's replacement): the key of its cgroup, orphan record and sampler slot. */
  get key(): string {
    return leafName(this.host.config.name, this.index, this.generation);
  }

  /** Its current run listened in cluster mode (its replacement must listen too). */
  get listened(): boolean {
    return this.run?.listened ?? false;
  }

  get uptimeMs(): number {
    return this.run !== null && this.sub === 'running' ? Date.now() - this.run.spawnedAt : 0;
  }

  /**
   * Enters `start`, spawns a run and waits for its readiness (readiness.ts). A configuration that
   * names nothing runnable goes straight to `failed` (cause: a SpawnCommandError): retrying cannot
   * help, so it is no crash for the policy; a failed spawn rejects (ESPAWN). `replacing`: the
   * instance a reload replaces, whose readiness this one must show in time.
   */
  async spawn(kind: 'start' | 'restart', reason: string, probe?: string, replacing?: Instance): Promise<SpawnResult> {
    await this.gone;
    const cfg = this.host.config;
    const extra = probe === undefined ? {} : { probe };
    let cmd: SpawnCommand;
    try {
      // Programs are found on the PATH the app will see (the caller's, or its own env's), as the CLI
      // checked them (runnable.ts) and as PM2 finds them: not on the daemon's own PATH. Only PATH:
      // a copy of process.env costs ~0.1 ms, on every restart.
      cmd = spawnCommandFor(cfg, { PATH: cfg.env.PATH ?? cfg.callerEnv?.PATH ?? process.env.PATH });
    } catch (err) {
      if (!(err instanceof SpawnCommandError)) throw err;
      const why = `cannot start: ${err.message} (${err.hint})`;
      this.pushError(why);
      this.exit.spawnFailed(why);
      this.transition(kind, 'failed', why, extra);
      throw new SupervisorError('ESPAWN', `cannot start "${cfg.name}": ${err.message}; hint: ${err.hint}`, { cause: err });
    }
    this.transition(kind, 'start', reason, extra);
    this.lastPid = null;
    if (kind === 'restart') this.restarts++;
    const sharing = portSharing(cfg, cmd);
    const refusal = clusterRefusal(cfg, cmd);
    if (refusal !== null) this.problem(refusal);
    let run: Run;
    try {
      run = await Run.start(await this.context(cmd, sharing), this.runEvents(() => run));
    } catch (err) {
      const why = `spawn failed: ${err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err)}`;
      this.pushError(why);
      this.exit.spawnFailed(why);
      throw err;
    }
    this.run = run;
    this.lastPid = run.pid;
    if (this.health !== 'none') this.health = 'unknown';
    // A replacement must listen where the app listens (an old instance may still be booting).
    const listens = replacing !== undefined && (replacing.listened || this.host.sockets.servesCluster);
    const readiness = readinessOf(cfg, sharing, this.host.instanceCount(), replacing === undefined ? undefined : { listened: listens });
    if (readiness === null) {
      // Readiness = spawned: the exec succeeded. Liveness is the health probes' job.
      this.transition('online', 'running', 'spawned', { pid: run.pid });
      return 'online';
    }
    const awaited = describeReadiness(readiness);
    this.transition('spawned', 'wait-ready', `spawned; waiting up to ${formatDuration(readiness.timeoutMs)} for ${awaited}`, { pid: run.pid });
    const ready = await run.whenReady(readiness);
    if (this.run !== run || this.sub !== 'wait-ready') return 'ended'; // it exited (or was stopped) meanwhile
    if (ready.outcome === 'ready') {
      this.transition('online', 'running', `ready: ${ready.how}`, { pid: run.pid });
      return 'online';
    }
    if (ready.outcome === 'ended') return 'ended';
    const late = `not ready within listen_timeout ${formatDuration(readiness.timeoutMs)} (no ${awaited})`;
    this.pushError(late);
    if (readiness.required) return 'not-ready';
    this.transition('online', 'running', `${late}: online anyway, as PM2 does`, { pid: run.pid });
    return 'online';
  }

  /**
   * Stops the current run through stop-sigterm (and stop-sigkill); resolves with its exit once its
   * scope is empty. A deliberate stop is graceful (cluster workers close their servers first, the
   * shutdown message where asked); a hung or over-limit run just gets the signal.
   */
  async stopRun(kind: 'stop' | 'timeout' | 'hang' | 'cpu' | 'memory', reason: string, probe: string, graceMs: number): Promise<ExitRecord> {
    const run = this.run!;
    const { signal } = this.host.config.stop;
    this.transition(kind, firstStopPhase(signal, graceMs), reason, { pid: run.pid, probe });
    const { exit, escalated } = await run.stop(signal, graceMs, () => {
      this.transition('kill', 'stop-sigkill', `${signal} not enough after ${formatDuration(graceMs)}: SIGKILL to ${run.scope.label}`, { pid: run.pid });
    }, kind === 'stop' || kind === 'timeout');
    this.exit.ofRun(run, exit, kind === 'timeout' ? 'stop' : kind);
    this.retire(run);
    if (escalated) this.pushError(`${signal} not enough after ${formatDuration(graceMs)}: group SIGKILLed`);
    return exit;
  }

  /** Until the next turn of the event loop, this instance's events wait (InstanceEvents.defer says why). */
  deferEvents(): void {
    this.events.defer();
  }

  /** The run ended on its own: stop what lives with it, and empty its scope before any respawn. */
  ended(run: Run, exit: ExitRecord): void {
    this.exit.ofRun(run, exit, exit.code === 0 ? 'exit' : 'crash');
    this.retire(run);
    this.gone = run.endLeftovers();
  }

  /** Runs `respawn` after `delayMs` unless cancelled (a start, stop or restart comes first). */
  scheduleRestart(delayMs: number, respawn: () => void): void {
    this.cancelRestart();
    if (delayMs === 0) respawn();
    else this.restartTimer = setTimeout(respawn, delayMs);
  }

  cancelRestart(): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  /** The last exit, its cause and the stderr lines that explain a crash (waits briefly for the pipe to drain). */
  exitReport(drainMs = 300): Promise<ExitReport | null> {
    return this.exit.report(drainMs);
  }

  lastExitReport(): ExitReport | null {
    return this.exit.reportNow();
  }

  /** The instance is gone for good (app deleted, scaled down, replaced by a reload): its cgroup goes too. */
  release(): void {
    this.cancelRestart();
    this.host.cgroups?.release(this.key);
  }

  /** A new configuration: health and the restart policy start over from it. */
  reconfigured(): void {
    this.health = this.noHealth();
    this.policy = new RestartPolicy(this.host.config.restart);
  }

  transition(kind: TransitionKind, to: SubState, reason: string, extra: EventExtra = {}): void {
    const from = this.sub;
    assertTransition(kind, from, to);
    this.sub = to;
    this.events.publish(kind, reason, { ...extra, from: STATE_OF[from], to: STATE_OF[to], substate: to }, this.run?.pid);
  }

  note(kind: NoteKind, reason: string, extra: EventExtra = {}): void {
    this.events.publish(kind, reason, extra, this.run?.pid);
  }

  pushError(msg: string): void {
    this.errors.push(`${new Date().toISOString()} ${msg}`);
    if (this.errors.length > MAX_ERRORS) this.errors.shift();
  }

  private async context(cmd: SpawnCommand, sharing: PortSharing): Promise<RunContext> {
    const host = this.host;
    const cfg = host.config;
    let listening: NativeHandle[] | undefined;
    if (sharing === 'listen-fds') {
      try {
        listening = await host.sockets.listening(cfg.listen ?? []);
      } catch (err) {
        throw new SupervisorError('ESPAWN', `cannot start "${cfg.name}": ${(err as Error).message}`, { cause: err });
      }
    }
    return {
      key: this.key, index: this.index, cfg, cmd, registry: host.registry, sampler: host.sampler, stall: host.stall,
      cgroup: this.cgroup(), sharing, sockets: host.sockets,
      ...(listening !== undefined ? { listening } : {}),
      ...(sharing === 'cluster' ? { workerId: host.nextWorkerId() } : {}),
      captureFiles: () => host.captureFiles(this.index),
    };
  }

  private cgroup(): CgroupScope | null {
    try {
      return this.host.cgroups?.scope(this.key) ?? null;
    } catch (err) {
      this.problem(`cannot make a cgroup for ${this.key} (${(err as Error).message}): contained by its process group only`);
      return null;
    }
  }

  private retire(run: Run): void {
    run.abort();
    this.usage = null;
    if (this.run === run) this.run = null;
    if (this.health !== 'none') this.health = 'unknown';
  }

  private runEvents(current: () => Run): RunEvents {
    return {
      exited: (exit) => {
        const run = current();
        if (this.run === run) this.host.runExited(this, run, exit);
      },
      healthOk: () => {
        if (this.health === 'failing') this.note('recovered', 'health probes pass again');
        this.health = 'ok';
      },
      healthFailing: (probe, reason, consecutive) => {
        if (this.health !== 'failing') {
          this.pushError(reason);
          this.note('health', `${probe} check failing (${consecutive} in a row): ${reason}`, { probe });
        }
        this.health = 'failing';
      },
      hung: (kind, probe, reason) => {
        if (kind === 'hang') this.health = 'failing';
        this.host.runHung(this, current(), kind, probe, reason);
      },
      sample: (s) => { this.usage = s; },
      problem: (msg) => this.problem(msg),
    };
  }

  /** A problem worth one entry in `errors`, not one per occurrence. */
  private problem(msg: string): void {
    if (!this.errors.some((e) => e.endsWith(msg))) this.pushError(msg);
  }

  private noHealth(): Health {
    const h = this.host.config.health;
    return h.heartbeat || h.http || h.tcp || h.silence !== undefined ? 'unknown' : 'none';
  }
}
