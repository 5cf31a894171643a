// One supervised slot of an app: its state machine (sub-state, checked against lifecycle.ts on
// every move), its current run, its restart count and backoff, and what `status` shows of it (pid,
// restarts, last exit, health, usage, errors). An app owns its instances 0..N-1 (`instances: N`);
// a reload puts a new Instance (the next generation) beside the old one of the same index and
// swaps them once the new one is ready. The app decides what to do when a run ends (the policy),
// the instance carries it out and says so in events, each carrying its `instance` number.
import { formatDuration } from '../common/units.js';
import type { AppConfig } from '../config/schema/index.js';
import { newEventId } from '../events/id.js';
import type { AppState, BulwarkEvent, LifecycleEvent, LifecycleKind, NoteKind, SubState, TransitionKind } from '../events/types.js';
import { leafName, type CgroupScope, type CgroupTree } from './cgroup.js';
import { clusterRefusal, portSharing, type PortSharing } from './cluster-mode.js';
import { SupervisorError } from './errors.js';
import { StderrTail, summarizeStderr, type ExitCause } from './exit-report.js';
import type { HeldSockets, NativeHandle } from './held-sockets.js';
import type { GroupRegistry } from './orphans.js';
import { firstStopPhase } from './process-scope.js';
import { describeReadiness, readinessOf } from './readiness.js';
import type { ResourceSample, ResourceSampler } from './resource-sampler.js';
import { RestartPolicy } from './restart-policy.js';
import { Run, type CaptureFiles, type ExitRecord, type RunContext, type RunEvents } from './run.js';
import { spawnCommandFor, SpawnCommandError, type SpawnCommand } from './spawn-command.js';
import { STATE_OF, assertTransition } from './lifecycle.js';
import type { StallWatch } from './stall-watch.js';

const MAX_ERRORS = 5;

export type Health = 'ok' | 'failing' | 'unknown' | 'none';
export type EventExtra = Partial<Pick<LifecycleEvent, 'pid' | 'code' | 'signal' | 'probe'>>;

/** The last exit with the stderr lines that explain it (crashes and failed spawns). */
export interface ExitReport extends ExitRecord {
  stderr?: string[];
}

/** How a spawn ended: online (ready, or late outside a reload), not ready in time, or the run ended meanwhile. */
export type SpawnResult = 'online' | 'not-ready' | 'ended';

/** What the instances of one app share: the supervisor's services and the app they belong to. */
export interface InstanceHost {
  readonly config: AppConfig;
  registry: GroupRegistry;
  sampler: ResourceSampler;
  stall: StallWatch;
  cgroups: CgroupTree | null;
  /** The app's ports, held by the daemon across all its instances and runs. */
  sockets: HeldSockets;
  /** How many instances the app runs now. */
  instanceCount(): number;
  /** NODE_UNIQUE_ID for the next cluster worker (unique per daemon, as Node's primary counts). */
  nextWorkerId(): number;
  captureFiles(index: number): CaptureFiles | string;
  emit(e: BulwarkEvent): void;
  /** The current run's leader exited on its own. */
  runExited(inst: Instance, run: Run, exit: ExitRecord): void;
  /** The current run is hung or over a limit. */
  runHung(inst: Instance, run: Run, kind: 'hang' | 'cpu' | 'memory', probe: string, reason: string): void;
}

export class Instance {
  sub: SubState = 'dead';
  run: Run | null = null;
  /** The pid of its latest run, kept after the run ended (for reports). */
  lastPid: number | null = null;
  restarts = 0;
  /** When and whether the run that ended comes back (per instance: each counts its own failed starts). */
  policy: RestartPolicy;
  lastExit: ExitRecord | null = null;
  health: Health;
  usage: ResourceSample | null = null;
  readonly errors: string[] = [];
  /** The previous run's scope is being emptied; a respawn waits for it. */
  gone: Promise<void> = Promise.resolve();
  /** The stderr of the run lastExit belongs to, or the spawn error when there was no run. */
  private lastStderr: StderrTail | string | null = null;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Events held until the next turn of the event loop (deferEvents), in order; null: they go out at once. */
  private held: BulwarkEvent[] | null = null;

  constructor(readonly index: number, private readonly host: InstanceHost, readonly generation = 0) {
    this.health = this.noHealth();
    this.policy = new RestartPolicy(host.config.restart);
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
      this.spawnFailed(why);
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
      this.spawnFailed(why);
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
    this.lastExit = exitOf(run, exit, kind === 'timeout' ? 'stop' : kind);
    this.lastStderr = run.stderr;
    this.retire(run);
    if (escalated) this.pushError(`${signal} not enough after ${formatDuration(graceMs)}: group SIGKILLed`);
    return exit;
  }

  /**
   * Until the next turn of the event loop, this instance's events wait (in order, each with the time
   * it happened): the exit path respawns first and publishes after, so the event sinks (history,
   * alerts, the daemon's log) are not between an app's exit and its next start. A respawn that
   * cannot happen in this turn (a backoff, a queued operation) finds its events already out.
   */
  deferEvents(): void {
    if (this.held !== null) return;
    this.held = [];
    setImmediate(() => {
      const held = this.held ?? [];
      this.held = null;
      for (const e of held) this.emit(e);
    });
  }

  /** The run ended on its own: stop what lives with it, and empty its scope before any respawn. */
  ended(run: Run, exit: ExitRecord): void {
    this.lastExit = exitOf(run, exit, exit.code === 0 ? 'exit' : 'crash');
    this.lastStderr = run.stderr;
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
  async exitReport(drainMs = 300): Promise<ExitReport | null> {
    const tail = this.lastStderr;
    const deadline = Date.now() + drainMs;
    while (tail instanceof StderrTail && !tail.ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.lastExitReport();
  }

  lastExitReport(): ExitReport | null {
    const exit = this.lastExit;
    if (exit === null) return null;
    const tail = this.lastStderr;
    if (exit.cause !== 'crash' && exit.cause !== 'exit' && exit.cause !== 'spawn-failed') return exit;
    const stderr = typeof tail === 'string' ? [tail] : tail === null ? [] : summarizeStderr(tail.lines());
    return stderr.length > 0 ? { ...exit, stderr } : exit;
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
    this.publish(kind, reason, { ...extra, from: STATE_OF[from], to: STATE_OF[to], substate: to });
  }

  note(kind: NoteKind, reason: string, extra: EventExtra = {}): void {
    this.publish(kind, reason, extra);
  }

  pushError(msg: string): void {
    this.errors.push(`${new Date().toISOString()} ${msg}`);
    if (this.errors.length > MAX_ERRORS) this.errors.shift();
  }

  private spawnFailed(why: string): void {
    this.lastExit = { code: null, signal: null, at: new Date().toISOString(), cause: 'spawn-failed', uptimeMs: 0 };
    this.lastStderr = why;
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

  private publish(kind: LifecycleKind, reason: string, extra: Omit<Partial<LifecycleEvent>, 'kind'>): void {
    const now = Date.now();
    const pid = extra.pid ?? this.run?.pid;
    const e: LifecycleEvent = {
      id: newEventId(now), at: new Date(now).toISOString(), type: 'lifecycle', app: this.host.config.name, instance: this.index,
      kind, reason, ...(pid !== undefined ? { pid } : {}), ...extra,
    };
    if (this.held !== null) this.held.push(e);
    else this.emit(e);
  }

  private emit(e: BulwarkEvent): void {
    try {
      this.host.emit(e);
    } catch {
      // A failing listener must not leave the state machine half-way through a transition.
    }
  }

  private noHealth(): Health {
    const h = this.host.config.health;
    return h.heartbeat || h.http || h.tcp || h.silence !== undefined ? 'unknown' : 'none';
  }
}

/** A run's exit with what ended it and how long the run lasted. */
function exitOf(run: Run, exit: ExitRecord, cause: ExitCause): ExitRecord {
  return { ...exit, cause, uptimeMs: Math.max(0, Date.parse(exit.at) - run.spawnedAt) };
}
