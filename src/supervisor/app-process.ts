// One app's state machine: starting | online | stopping | stopped | backoff | errored.
// Every transition is one LifecycleEvent (from, to, reason, pid, code, signal, probe); a few
// observations without a transition (health failing, errored give-up) are events too.
// User operations (start/stop/restart/replace) and supervisor actions (respawn after backoff,
// hang kill, cron/watch restart) run one at a time through `serial`, so they never interleave.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { compileDateFormat, PM2_TIME_FORMAT } from '../common/date-format.js';
import { formatDuration } from '../common/units.js';
import type { AppConfig } from '../config/schema/index.js';
import { newEventId } from '../events/id.js';
import type { AppState, BulwarkEvent, LifecycleEvent, LogLine } from '../events/types.js';
import { openCaptureWriters, type CaptureWriters } from './capture-writers.js';
import { CronRestart } from './cron-restart.js';
import { SupervisorError } from './errors.js';
import { describeExit, StderrTail, summarizeStderr, type ExitCause } from './exit-report.js';
import { DeadlineProbe } from './health/deadline-probe.js';
import { httpCheck } from './health/http-check.js';
import { PeriodicProbe } from './health/periodic-probe.js';
import type { HealthProbe, ProbeName, ProbeReport } from './health/probe.js';
import { tcpCheck } from './health/tcp-check.js';
import type { GroupRegistry } from './orphans.js';
import { OutputCapture } from './output-capture.js';
import { endGroup, isGroupAlive } from './process-group.js';
import { readProcStat } from './proc-stat.js';
import { ResourceLimits } from './resource-limits.js';
import type { ResourceSample, ResourceSampler } from './resource-sampler.js';
import { RestartPolicy } from './restart-policy.js';
import { spawnCommandFor, SpawnCommandError, type SpawnCommand } from './spawn-command.js';
import { WatchRestart } from './watch-restart.js';

/** Resource numbers for `status` when no limit asks for more: cheap enough for many idle apps. */
export const STATUS_SAMPLE_MS = 10_000;
const MAX_ERRORS = 5;

export interface AppProcessDeps {
  logsDir: string;
  registry: GroupRegistry;
  sampler: ResourceSampler;
  emit(e: BulwarkEvent): void;
  onLine?(l: LogLine): void;
}

export type Health = 'ok' | 'failing' | 'unknown' | 'none';

export interface ExitRecord {
  code: number | null;
  signal: string | null;
  at: string;
  /** What ended the run (set on the app's lastExit). */
  cause?: ExitCause;
  /** How long the run lasted. */
  uptimeMs?: number;
}

/** The last exit with the stderr lines that explain it (crashes and failed spawns). */
export interface ExitReport extends ExitRecord {
  stderr?: string[];
}

type EventExtra = Partial<Pick<LifecycleEvent, 'pid' | 'code' | 'signal' | 'probe'>>;

/** One spawned process: its leader, group and the things that live exactly as long as it. */
interface Run {
  child: ChildProcess;
  pid: number;
  spawnedAt: number;
  exited: Promise<ExitRecord>;
  exit: ExitRecord | null;
  probes: HealthProbe[];
  heartbeat: DeadlineProbe | null;
  silence: DeadlineProbe | null;
  graceTimer: NodeJS.Timeout | undefined;
  limits: ResourceLimits | null;
  /** Exit cause hook: what this run's stop was for (set by endRun), and its stderr's last bytes. */
  endCause: ExitCause | null;
  stderr: StderrTail;
}

export class AppProcess {
  state: AppState = 'stopped';
  restarts = 0;
  lastExit: ExitRecord | null = null;
  health: Health;
  usage: ResourceSample | null = null;
  readonly errors: string[] = [];

  private cfg: AppConfig;
  private policy: RestartPolicy;
  private run: Run | null = null;
  /** Leftover members of the last group being ended; a respawn waits for it. */
  private groupGone: Promise<unknown> = Promise.resolve();
  private backoffTimer: NodeJS.Timeout | undefined;
  private cron: CronRestart | null = null;
  private watcher: WatchRestart | null = null;
  private files: CaptureWriters | null = null;
  private serial: Promise<unknown> = Promise.resolve();
  private removed = false;
  /** The stderr of the run lastExit belongs to, or the spawn error when there was no run. */
  private lastStderr: StderrTail | string | null = null;

  constructor(app: AppConfig, private readonly deps: AppProcessDeps) {
    this.cfg = app;
    this.policy = new RestartPolicy(app.restart);
    this.health = this.noHealth();
  }

  get name(): string {
    return this.cfg.name;
  }

  get config(): AppConfig {
    return this.cfg;
  }

  get pid(): number | null {
    return this.run?.pid ?? null;
  }

  get uptimeMs(): number {
    return this.run !== null && this.state === 'online' ? Date.now() - this.run.spawnedAt : 0;
  }

  // ---- user operations -------------------------------------------------------------------

  /** Starts a stopped, errored or backing-off app; `reason`/`cause` say who asked (user, resurrect). */
  start(reason = 'started by user', cause = 'user'): Promise<void> {
    return this.serialize(async () => {
      await this.startTriggers();
      if (this.state === 'online' || this.state === 'starting') return;
      clearTimeout(this.backoffTimer);
      this.policy.reset();
      await this.watcher?.ready;
      await this.spawnRun('start', reason, cause);
    });
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

  stop(reason = 'stopped by user'): Promise<void> {
    return this.serialize(() => this.stopNow(reason));
  }

  restart(reason = 'restarted by user', probe = 'user'): Promise<void> {
    return this.serialize(async () => {
      await this.startTriggers();
      clearTimeout(this.backoffTimer);
      this.policy.reset();
      if (this.run !== null && this.state === 'online') {
        await this.endRun('stop', `${reason}: stopping`, probe, this.cfg.stop.timeout);
      }
      await this.spawnRun('restart', reason, probe);
    });
  }

  replace(app: AppConfig): Promise<void> {
    return this.serialize(async () => {
      const wasStopped = this.state === 'stopped';
      await this.stopNow('configuration replaced');
      this.closeFiles();
      this.cfg = app;
      this.policy = new RestartPolicy(app.restart);
      this.health = this.noHealth();
      if (!wasStopped) {
        await this.startTriggers();
        await this.watcher?.ready;
        await this.spawnRun('start', 'started with new configuration', 'user');
      }
    });
  }

  remove(): Promise<void> {
    return this.serialize(async () => {
      await this.stopNow('deleted by user');
      this.removed = true;
      this.closeFiles();
      this.note('delete', 'removed from the supervisor');
    });
  }

  // ---- the machine -----------------------------------------------------------------------

  private serialize<T>(op: () => Promise<T>): Promise<T> {
    const p = this.serial.then(() => {
      if (this.removed) throw new SupervisorError('EREMOVED', `app "${this.cfg.name}" was removed`);
      return op();
    });
    this.serial = p.catch(() => undefined);
    return p;
  }

  private async stopNow(reason: string): Promise<void> {
    this.stopTriggers();
    clearTimeout(this.backoffTimer);
    if (this.run !== null && (this.state === 'online' || this.state === 'starting')) {
      const exit = await this.endRun('stop', reason, 'user', this.cfg.stop.timeout);
      this.transition('stopped', 'stopped', `stopped (${describeExit(exit)})`, { code: exit.code, signal: exit.signal });
    } else if (this.state !== 'stopped') {
      await this.groupGone;
      this.transition('stopped', 'stopped', reason, { probe: 'user' });
    }
  }

  /**
   * Enters `stopping`, sends the stop signal to the group, waits `graceMs`, then SIGKILLs the
   * group; resolves with the leader's exit once the whole group is gone.
   */
  private async endRun(kind: string, reason: string, probe: string, graceMs: number): Promise<ExitRecord> {
    const run = this.run!;
    run.endCause = kind === 'hang' || kind === 'cpu' || kind === 'memory' ? kind : 'stop';
    this.transition(kind, 'stopping', reason, { pid: run.pid, probe });
    const { escalated } = await endGroup(run.pid, this.cfg.stop.signal, graceMs, run.exited);
    const exit = await run.exited;
    this.registryProblem(this.deps.registry.forget(this.cfg.name, run.pid));
    if (escalated) this.pushError(`${this.cfg.stop.signal} not enough after ${formatDuration(graceMs)}: group SIGKILLed`);
    return exit;
  }

  /** Spawns a new run; resolves once it is online, rejects (ESPAWN) if it could not be spawned. */
  private spawnRun(kind: 'start' | 'restart', reason: string, probe?: string): Promise<void> {
    return this.groupGone.then(() => new Promise<void>((resolve, reject) => {
      let cmd: SpawnCommand;
      try {
        cmd = spawnCommandFor(this.cfg);
      } catch (err) {
        if (!(err instanceof SpawnCommandError)) throw err;
        // The config's fault (no such script, not executable): retrying cannot help, so no crash loop.
        const why = `cannot start: ${err.message} (${err.hint})`;
        this.pushError(why);
        this.lastExit = { code: null, signal: null, at: new Date().toISOString(), cause: 'spawn-failed', uptimeMs: 0 };
        this.lastStderr = why;
        this.transition(kind, 'errored', why, probe === undefined ? {} : { probe });
        reject(new SupervisorError('ESPAWN', `cannot start "${this.cfg.name}": ${err.message}; hint: ${err.hint}`));
        return;
      }
      const heartbeat = this.cfg.health.heartbeat !== undefined;
      this.transition(kind, 'starting', reason, probe === undefined ? {} : { probe });
      if (kind === 'restart') this.restarts++;
      let child: ChildProcess;
      try {
        child = spawn(cmd.file, cmd.args, {
          cwd: cmd.cwd,
          // Precedence: the app's env, then the interpreter's defaults, the caller's shell, the daemon's.
          env: { ...process.env, ...this.cfg.callerEnv, ...cmd.env, ...this.cfg.env },
          detached: true,
          stdio: heartbeat ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
        });
      } catch (err) {
        // Synchronous failures (e.g. a cwd that is not a directory in some Node versions).
        this.onSpawnFailed(err as Error);
        reject(new SupervisorError('ESPAWN', `cannot start "${this.cfg.name}": ${(err as Error).message}`));
        return;
      }
      let resolveExit!: (e: ExitRecord) => void;
      const exited = new Promise<ExitRecord>((r) => { resolveExit = r; });
      let spawned = false;
      child.on('error', (err) => {
        if (spawned) return; // e.g. a failed kill(); exit handling covers the process itself
        this.onSpawnFailed(err);
        reject(new SupervisorError('ESPAWN', `cannot start "${this.cfg.name}": ${err.message}`));
      });
      child.once('spawn', () => {
        spawned = true;
        this.onSpawned(child, exited);
        resolve();
      });
      child.once('exit', (code, signal) => {
        const exit: ExitRecord = { code, signal, at: new Date().toISOString() };
        if (spawned) this.onLeaderExit(child, exit);
        resolveExit(exit);
      });
    }));
  }

  private onSpawned(child: ChildProcess, exited: Promise<ExitRecord>): void {
    const pid = child.pid!;
    const run: Run = {
      child, pid, spawnedAt: Date.now(), exited, exit: null,
      probes: [], heartbeat: null, silence: null, graceTimer: undefined,
      limits: ResourceLimits.needed(this.cfg.limits) ? new ResourceLimits(this.cfg.limits) : null,
      endCause: null, stderr: new StderrTail(),
    };
    this.run = run;
    this.registryProblem(this.deps.registry.record({ app: this.cfg.name, pgid: pid, pid, startTime: readProcStat(pid)?.startTime ?? 0 }));
    this.capture(run);
    if (this.cfg.health.heartbeat !== undefined) {
      child.on('message', (m: unknown) => {
        if (typeof m === 'object' && m !== null && (m as { bulwark?: unknown }).bulwark === 'heartbeat') run.heartbeat?.touch();
      });
    }
    // Readiness = spawned: the exec succeeded. Liveness is the health probes' job.
    this.transition('online', 'online', 'spawned', { pid });
    this.health = this.health === 'none' ? 'none' : 'unknown';
    if (this.cfg.health.grace > 0) {
      run.graceTimer = setTimeout(() => this.startProbes(run), this.cfg.health.grace);
      run.graceTimer.unref();
    } else {
      this.startProbes(run);
    }
    const every = run.limits !== null ? this.cfg.limits.sampleEvery : STATUS_SAMPLE_MS;
    this.deps.sampler.track(this.cfg.name, pid, every, (s) => this.onSample(run, s));
  }

  private onSpawnFailed(err: Error): void {
    this.pushError(`spawn failed: ${err.message}`);
    this.lastExit = { code: null, signal: null, at: new Date().toISOString(), cause: 'spawn-failed', uptimeMs: 0 };
    this.lastStderr = `spawn failed: ${err.message}`;
    this.run = null;
    this.afterEnd(false, 'crash', `spawn failed: ${err.message}`, { code: null, signal: null }, 0);
  }

  private capture(run: Run): void {
    const { logsDir, onLine } = this.deps;
    const stdout = run.child.stdout!;
    const stderr = run.child.stderr!;
    stderr.on('data', (chunk: Buffer) => run.stderr.push(chunk));
    stderr.once('end', () => { run.stderr.ended = true; });
    try {
      if (this.files === null) {
        this.files = openCaptureWriters(this.cfg, logsDir);
        for (const p of this.files.problems) this.pushError(p);
      }
    } catch (e) {
      // Without a capture file the pipes must still drain, or the app blocks on a full pipe.
      this.pushError(`cannot open capture files in ${logsDir}: ${(e as Error).message}`);
      stdout.on('data', () => run.silence?.touch());
      stderr.on('data', () => run.silence?.touch());
      return;
    }
    const stamp = timestamper(this.cfg.logs.timestamps);
    const out = new OutputCapture(this.cfg.name, 'stdout', this.files.stdout, onLine, stamp);
    const err = new OutputCapture(this.cfg.name, 'stderr', this.files.stderr, onLine, stamp);
    // A full disk (or a throwing line consumer) must not take the daemon down: note it once per message.
    let lastProblem = '';
    const guarded = (cap: OutputCapture, chunk: Buffer | null): void => {
      try {
        if (chunk === null) cap.end();
        else cap.push(chunk);
      } catch (e) {
        const msg = `output capture: ${(e as Error).message}`;
        if (msg !== lastProblem) this.pushError(msg);
        lastProblem = msg;
      }
      run.silence?.touch();
    };
    stdout.on('data', (chunk: Buffer) => guarded(out, chunk));
    stderr.on('data', (chunk: Buffer) => guarded(err, chunk));
    stdout.once('end', () => guarded(out, null));
    stderr.once('end', () => guarded(err, null));
  }

  private startProbes(run: Run): void {
    if (this.run !== run || this.state !== 'online') return;
    const h = this.cfg.health;
    const report = this.probeReport(run);
    if (h.heartbeat !== undefined) run.heartbeat = new DeadlineProbe('heartbeat', h.heartbeat.timeout, report);
    if (h.silence !== undefined) run.silence = new DeadlineProbe('silence', h.silence, report);
    if (h.http !== undefined) run.probes.push(new PeriodicProbe('http', h.http, httpCheck(h.http.url), report));
    if (h.tcp !== undefined) run.probes.push(new PeriodicProbe('tcp', h.tcp, tcpCheck(h.tcp.host, h.tcp.port), report));
    if (run.heartbeat !== null) run.probes.push(run.heartbeat);
    if (run.silence !== null) run.probes.push(run.silence);
  }

  private probeReport(run: Run): ProbeReport {
    return {
      ok: () => {
        if (this.run !== run) return;
        if (this.health === 'failing') this.note('recovered', 'health probes pass again');
        this.health = 'ok';
      },
      fail: (probe: ProbeName, reason: string, consecutive: number) => {
        if (this.run !== run) return;
        if (this.health !== 'failing') {
          this.pushError(reason);
          this.note('health', `${probe} check failing (${consecutive} in a row): ${reason}`, { pid: run.pid, probe });
        }
        this.health = 'failing';
      },
      hung: (probe: ProbeName, reason: string) => {
        if (this.run !== run) return;
        this.health = 'failing';
        void this.killHung(run, 'hang', probe, reason);
      },
    };
  }

  private onSample(run: Run, s: ResourceSample): void {
    if (this.run !== run) return;
    this.usage = s;
    const breach = run.limits?.judge(s);
    if (breach) void this.killHung(run, breach.kind, breach.kind, breach.reason);
  }

  /** A hang or a broken limit: kill the group (short grace: its handler cannot run), then restart. */
  private killHung(run: Run, kind: 'hang' | 'cpu' | 'memory', probe: string, reason: string): Promise<void> {
    return this.serialize(async () => {
      if (this.run !== run || this.state !== 'online') return;
      this.pushError(reason);
      const uptime = Date.now() - run.spawnedAt;
      const exit = await this.endRun(kind, reason, probe, this.cfg.stop.hangTimeout);
      this.afterEnd(false, 'backoff', `${reason}; killed (${describeExit(exit)})`, exit, uptime, probe);
    }).catch(() => undefined);
  }

  /** The leader exited. If we were not stopping it, this is an exit or a crash. */
  private onLeaderExit(child: ChildProcess, exit: ExitRecord): void {
    const run = this.run;
    if (run === null || run.child !== child) return;
    run.exit = exit;
    const uptimeMs = Date.now() - run.spawnedAt;
    const cause: ExitCause = this.state === 'stopping' ? run.endCause ?? 'stop' : exit.code === 0 ? 'exit' : 'crash';
    this.lastExit = { ...exit, cause, uptimeMs };
    this.lastStderr = run.stderr;
    this.retire(run);
    if (this.state === 'stopping') return; // endRun() owns what happens next
    const clean = exit.code === 0;
    // Grandchildren left in the group are ended before any respawn (no EADDRINUSE).
    if (isGroupAlive(run.pid)) {
      this.groupGone = endGroup(run.pid, this.cfg.stop.signal, this.cfg.stop.timeout, Promise.resolve())
        .then(() => this.registryProblem(this.deps.registry.forget(this.cfg.name, run.pid)))
        .catch((e: Error) => this.pushError(`cannot end the rest of the group: ${e.message}`));
    } else {
      this.registryProblem(this.deps.registry.forget(this.cfg.name, run.pid));
    }
    if (!clean) this.pushError(`crashed: ${describeExit(exit)}`);
    this.afterEnd(clean, clean ? 'exit' : 'crash', `exited: ${describeExit(exit)}`, exit, Date.now() - run.spawnedAt);
  }

  /** Stops everything that lives exactly as long as a run. */
  private retire(run: Run): void {
    clearTimeout(run.graceTimer);
    for (const p of run.probes) p.stop();
    run.probes = [];
    run.heartbeat = null;
    run.silence = null;
    this.deps.sampler.untrack(this.cfg.name);
    this.usage = null;
    if (this.run === run) this.run = null;
    if (this.health !== 'none') this.health = 'unknown';
  }

  /** After a run ended on its own or was killed as hung: backoff + respawn, or a final state. */
  private afterEnd(clean: boolean, kind: string, reason: string, exit: { code: number | null; signal: string | null }, uptimeMs: number, probe?: string): void {
    const extra: EventExtra = { code: exit.code, signal: exit.signal, ...(probe !== undefined ? { probe } : {}) };
    if (this.run !== null) this.retire(this.run);
    if (!this.policy.wants(clean)) {
      const to = clean ? 'stopped' : 'errored';
      this.transition(kind, to, `${reason}; restart policy "${this.cfg.restart.policy}": not restarting`, extra);
      return;
    }
    const verdict = this.policy.next(uptimeMs);
    if (!verdict.restart) {
      // Errored hook: maxRestarts failed starts in a row. The transition, then the `errored` event alerts hear.
      const why = `gave up: ${verdict.reason}; no more restarts until started again`;
      this.pushError(why);
      this.transition(kind, 'errored', `${reason}; ${why}`, extra);
      this.note('errored', why, extra);
      return;
    }
    const failed = verdict.failedStarts > 0 ? ` (${verdict.failedStarts} failed start${verdict.failedStarts > 1 ? 's' : ''} in a row; errored at ${this.cfg.restart.maxRestarts + 1})` : '';
    this.transition(kind, 'backoff', `${reason}; restart ${verdict.attempt} in ${formatDuration(verdict.delayMs)}${failed}`, extra);
    const respawn = (): void => {
      void this.serialize(async () => {
        if (this.state !== 'backoff') return;
        await this.spawnRun('restart', `restart ${verdict.attempt} after ${kind}`, probe);
      }).catch(() => undefined);
    };
    if (verdict.delayMs === 0) {
      respawn();
    } else {
      this.backoffTimer = setTimeout(respawn, verdict.delayMs);
    }
  }

  // ---- cron and watch triggers (alive from start() to stop()) ------------------------------

  private async startTriggers(): Promise<void> {
    if (this.cfg.cron !== undefined && this.cron === null) {
      this.cron = await CronRestart.create(this.cfg.cron, this.cfg.name, () => {
        // Triggers live from start() to stop(): an app that ended on its own (a job with restart
        // policy never) is started again at each tick, as PM2 does.
        const why = `scheduled restart (${this.cfg.cron})`;
        if (this.state === 'online') void this.restart(why, 'cron').catch(() => undefined);
        else if (this.state === 'stopped' || this.state === 'errored') void this.restart(why, 'cron').catch(() => undefined);
      });
    }
    if (this.cfg.watch !== undefined && this.watcher === null) {
      this.watcher = await WatchRestart.create(this.cfg.watch, resolve(this.cfg.cwd ?? process.cwd()), (why) => {
        // A fixed file is also how a developer revives a crashed app (nodemon#764).
        if (this.state !== 'stopped' && this.state !== 'stopping') void this.restart(`watch: ${why}`, 'watch').catch(() => undefined);
      });
    }
  }

  private stopTriggers(): void {
    this.cron?.stop();
    this.cron = null;
    void this.watcher?.close();
    this.watcher = null;
  }

  private closeFiles(): void {
    this.files?.close();
    this.files = null;
  }

  // ---- events ----------------------------------------------------------------------------

  private transition(kind: string, to: AppState, reason: string, extra: EventExtra = {}): void {
    const from = this.state;
    this.state = to;
    this.publish({ kind, from, to, reason, ...this.pidExtra(extra) });
  }

  private note(kind: string, reason: string, extra: EventExtra = {}): void {
    this.publish({ kind, reason, ...this.pidExtra(extra) });
  }

  private pidExtra(extra: EventExtra): EventExtra {
    return extra.pid === undefined && this.run !== null ? { pid: this.run.pid, ...extra } : extra;
  }

  private publish(e: Omit<LifecycleEvent, 'id' | 'at' | 'type' | 'app'>): void {
    const now = Date.now();
    try {
      this.deps.emit({ id: newEventId(now), at: new Date(now).toISOString(), type: 'lifecycle', app: this.cfg.name, ...e });
    } catch {
      // A failing listener must not leave the state machine half-way through a transition.
    }
  }

  private registryProblem(problem: string | null): void {
    if (problem !== null && !this.errors.some((e) => e.endsWith(problem))) this.pushError(problem);
  }

  private pushError(msg: string): void {
    this.errors.push(`${new Date().toISOString()} ${msg}`);
    if (this.errors.length > MAX_ERRORS) this.errors.shift();
  }

  private noHealth(): Health {
    const h = this.cfg.health;
    return h.heartbeat || h.http || h.tcp || h.silence !== undefined ? 'unknown' : 'none';
  }
}

function timestamper(setting: boolean | string): (() => string) | undefined {
  if (setting === false) return undefined;
  const format = compileDateFormat(setting === true ? PM2_TIME_FORMAT : setting);
  return () => format(new Date());
}

export { describeExit };
