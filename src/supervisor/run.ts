// One spawned process of an instance and everything that lives exactly as long as it: the child
// and its scope (its cgroup, else its process group), its orphan record, output capture, health
// probes, resource sampling and limits, its readiness signals and, in cluster mode, its side of
// Node's cluster protocol. Every timer and subscription leaves a function that ends it: ending a
// run is one abort(). (Not an AbortController: its signal and listeners were ~1.5 KB a run, a
// tenth of the daemon's memory per app.) A run decides nothing; it tells its instance
// (RunEvents), which owns the state machine.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopTimeout } from '../config/schema/cluster.js';
import { actOnMessage, AppChannel, type AppMessages } from './app-channel.js';
import { ClusterPrimary } from './cluster-primary.js';
import { SupervisorError } from './errors.js';
import { StderrTail } from './exit-report.js';
import { DeadlineProbe } from './health/deadline-probe.js';
import { httpCheck } from './health/http-check.js';
import { PeriodicProbe } from './health/periodic-probe.js';
import type { HealthProbe, ProbeReport } from './health/probe.js';
import { tcpCheck } from './health/tcp-check.js';
import { captureOutput } from './output-capture.js';
import { readProcStat } from './proc-stat.js';
import { GroupScope } from './process-group.js';
import { endScope, unionScope, type ProcessScope } from './process-scope.js';
import { ReadyWatch, type Readiness, type ReadyOutcome } from './readiness.js';
import { ResourceLimits } from './resource-limits.js';
import { spawnGate } from './spawn-gate.js';
import { spawnPlan, type SpawnPlan } from './spawn-plan.js';
import type { ExitRecord, RunContext, RunEvents } from './run-context.js';

/** Of the spawn plan, what a run keeps: its IPC channel. */
type ChannelPlan = Pick<SpawnPlan, 'channel' | 'channelFd'>;

export class Run {
  readonly pid: number;
  readonly spawnedAt = Date.now();
  readonly scope: ProcessScope;
  /** The leader's exit. */
  readonly exited: Promise<ExitRecord>;
  exit: ExitRecord | null = null;
  /** The last bytes of its stderr, to explain a crash. */
  readonly stderr = new StderrTail();
  /** What ends with the run: probes, sampling, timers. */
  private readonly endings: Array<() => void> = [];
  private ended = false;
  private readonly ready = new ReadyWatch();
  /** In cluster mode: the daemon's side of Node's cluster protocol with this process. */
  private readonly cluster: ClusterPrimary | null;
  private stopping = false;
  /** The run's health probes; periodic ones remember their last check (metrics). */
  readonly probes: HealthProbe[] = [];
  private heartbeat: DeadlineProbe | null = null;
  /** The IPC channel the daemon reads as lines (outside cluster mode); null: none, or Node's own (cluster). */
  private readonly channel: AppChannel | null = null;
  private silence: DeadlineProbe | null = null;

  /**
   * Spawns the app when the spawn gate lets it (spawn-gate.ts: a burst of spawns is spread over
   * turns of the event loop); resolves once the exec succeeded, rejects with ESPAWN when it did not.
   */
  static async start(ctx: RunContext, events: RunEvents): Promise<Run> {
    await spawnGate.turn();
    const { cmd } = ctx;
    let child: ChildProcess;
    let channel: ChannelPlan;
    try {
      // Its user/group and environment (run-as.ts), its instance's variables and shared sockets (spawn-plan.ts).
      const plan = spawnPlan({ cfg: ctx.cfg, cmd, index: ctx.index, sharing: ctx.sharing, ...(ctx.listening ? { listening: ctx.listening } : {}), ...(ctx.workerId !== undefined ? { workerId: ctx.workerId } : {}) });
      child = spawn(plan.file, plan.args, { cwd: cmd.cwd, env: plan.env, uid: plan.uid, gid: plan.gid, detached: true, stdio: plan.stdio });
      // Only this outlives the spawn: the listeners below keep their scope, and the plan's
      // environment (a copy per app) would stay with them.
      channel = { channel: plan.channel, channelFd: plan.channelFd };
    } catch (err) {
      // Synchronous failures (e.g. a cwd that is not a directory in some Node versions).
      return Promise.reject(spawnFailed(ctx.cfg.name, err as Error));
    }
    return new Promise((resolve, reject) => {
      let spawned = false;
      child.on('error', (err) => {
        if (!spawned) reject(spawnFailed(ctx.cfg.name, err)); // later: e.g. a failed kill(); the exit covers the process
      });
      child.once('spawn', () => {
        spawned = true;
        resolve(new Run(ctx, events, child, channel));
      });
    });
  }

  private constructor(private readonly ctx: RunContext, private readonly events: RunEvents, private readonly child: ChildProcess, plan: ChannelPlan) {
    const pid = child.pid!;
    this.pid = pid;
    const { cgroup } = ctx;
    this.scope = cgroup !== null ? unionScope(cgroup, new GroupScope(pid)) : new GroupScope(pid);
    // Into its cgroup off the event loop (cgroup.ts says why); until then its group holds it.
    if (cgroup !== null) void cgroup.adopt(pid).then((why) => { if (why !== null) this.events.problem(`${why}: contained by its process group only`); });
    let resolveExit!: (e: ExitRecord) => void;
    this.exited = new Promise((r) => { resolveExit = r; });
    child.on('exit', (code, signal) => { // once: on() spares once()'s wrapper
      this.exit = { code, signal, at: new Date().toISOString() };
      resolveExit(this.exit);
      this.channel?.close();
      if (!this.stopping) this.events.exited(this.exit);
    });
    // Recorded for the next daemon once a burst of spawns is over, like the cgroup move: its start
    // time is a /proc read beside each fork (~50 ms at 1,000 apps), and each record a rewrite of the
    // registry. A daemon killed during a burst leaves that burst's runs to systemd (KillMode=mixed).
    void spawnGate.idle().then(() => {
      if (this.exit !== null) return; // gone meanwhile: nothing to end after a crash
      this.saved(ctx.registry.record({
        app: ctx.key, pgid: pid, pid, startTime: readProcStat(pid)?.startTime ?? 0, ...(cgroup !== null ? { cgroup: cgroup.path } : {}),
      }));
    });
    this.capture(child);
    const messages: AppMessages = {
      heartbeat: () => this.heartbeat?.touch(),
      ready: () => this.ready.saw('message', "process.send('ready')"),
    };
    if (plan.channel === 'lines') this.channel = new AppChannel(child.stdio[plan.channelFd] as Socket, messages);
    else if (plan.channel === 'node') child.on('message', (m: unknown) => actOnMessage(m, messages));
    this.cluster = ctx.sharing === 'cluster'
      ? new ClusterPrimary(child, ctx.sockets, {
        listening: (where) => this.ready.saw('listening', `listening on ${where}`),
        problem: (msg) => this.events.problem(msg),
      })
      : null;
    const grace = ctx.cfg.health.grace;
    if (grace > 0) {
      const timer = setTimeout(() => this.startProbes(), grace);
      timer.unref();
      this.onAbort(() => clearTimeout(timer));
    } else {
      this.startProbes();
    }
    const limits = ResourceLimits.needed(ctx.cfg.limits) ? new ResourceLimits(ctx.cfg.limits) : null;
    // Sampled on the limits' period, else only when `status` or metrics ask (sampleNow).
    const schedule = { everyMs: limits !== null ? ctx.cfg.limits.sampleEvery : null, cpuLimited: ctx.cfg.limits.cpu !== undefined };
    ctx.sampler.track(ctx.key, pid, schedule, (s) => {
      if (this.aborted) return;
      this.events.sample(s);
      const breach = limits?.judge(s);
      if (breach) this.events.hung(breach.kind, breach.kind, breach.reason);
    });
    this.onAbort(() => ctx.sampler.untrack(ctx.key));
  }

  get aborted(): boolean {
    return this.ended;
  }

  /** Ends everything that lives as long as the run (probes, sampling, timers); not its processes. */
  abort(): void {
    if (this.ended) return;
    this.ended = true;
    this.ready.end();
    for (const end of this.endings.splice(0)) end();
  }

  /** Resolves once the run is ready as `r` asks, its time ran out, or the run ended. */
  whenReady(r: Readiness): Promise<ReadyOutcome> {
    return this.ready.wait(r);
  }

  /** In cluster mode: it listened at least once (a replacement must listen too). */
  get listened(): boolean {
    return this.cluster?.listened ?? false;
  }

  /**
   * Stops the run: abort(), then the stop request, `graceMs`, then SIGKILL (`onKill` just before).
   * A graceful stop first asks a cluster worker to close its servers (it finishes what it accepted
   * and accepts nothing new), and asks by process.send('shutdown') instead of the signal with
   * `shutdown_with_message`; a hung run just gets the signal. Resolves with the leader's exit once
   * the scope is empty.
   */
  async stop(signal: NodeJS.Signals, graceMs: number, onKill: () => void, graceful = true): Promise<{ exit: ExitRecord; escalated: boolean }> {
    this.stopping = true;
    this.abort();
    const deadline = Date.now() + graceMs;
    let ask: (() => void) | undefined;
    if (graceful && graceMs > 0 && signal !== 'SIGKILL') {
      const byMessage = this.ctx.cfg.shutdown_with_message === true && this.sendShutdown();
      if (byMessage) {
        ask = () => undefined; // the message was the request: no signal, SIGKILL after the grace
      }
      if (this.cluster?.disconnect() && !byMessage) {
        await Promise.race([this.cluster.disconnected, this.exited, sleep(graceMs, undefined, { ref: false })]);
      }
    }
    const { escalated } = await endScope(this.scope, signal, Math.max(0, deadline - Date.now()), this.exited, onKill, ask);
    const exit = await this.exited;
    this.saved(this.ctx.registry.forget(this.ctx.key, this.pid));
    return { exit, escalated };
  }

  /**
   * After the leader exited on its own: ends what is left in its scope (a worker, a daemonized
   * grandchild), so a respawn does not meet EADDRINUSE. Resolves once the scope is empty.
   */
  async endLeftovers(): Promise<void> {
    const { signal } = this.ctx.cfg.stop;
    const timeout = stopTimeout(this.ctx.cfg);
    if (this.scope.alive()) {
      try {
        const { escalated } = await endScope(this.scope, signal, timeout, Promise.resolve());
        if (escalated) this.events.problem(`processes left after the exit did not stop on ${signal} within ${timeout}ms: ${this.scope.label} SIGKILLed`);
      } catch (err) {
        this.events.problem(`cannot end the rest of ${this.scope.label}: ${(err as Error).message}`);
      }
    }
    this.saved(this.ctx.registry.forget(this.ctx.key, this.pid));
  }

  /** process.send('shutdown') as the app sees it; false when its channel is closed. */
  private sendShutdown(): boolean {
    if (this.channel !== null) return this.channel.send('shutdown');
    if (!this.child.connected) return false;
    this.child.send('shutdown', () => undefined);
    return true;
  }

  /** Runs `fn` when the run ends (now, if it has). */
  private onAbort(fn: () => void): void {
    if (this.ended) fn();
    else this.endings.push(fn);
  }

  private saved(problem: Promise<string | null>): void {
    void problem.then((p) => { if (p !== null) this.events.problem(p); });
  }

  private startProbes(): void {
    if (this.aborted) return;
    const h = this.ctx.cfg.health;
    const stall = this.ctx.stall;
    const report: ProbeReport = {
      ok: () => { if (!this.aborted) this.events.healthOk(); },
      fail: (probe, reason, consecutive) => { if (!this.aborted) this.events.healthFailing(probe, reason, consecutive); },
      hung: (probe, reason) => { if (!this.aborted) this.events.hung('hang', probe, reason); },
    };
    const probes = this.probes;
    if (h.heartbeat !== undefined) probes.push(this.heartbeat = new DeadlineProbe('heartbeat', h.heartbeat.timeout, report, stall));
    if (h.silence !== undefined) probes.push(this.silence = new DeadlineProbe('silence', h.silence, report, stall));
    if (h.http !== undefined) probes.push(new PeriodicProbe('http', h.http, httpCheck(h.http.url), report, stall));
    if (h.tcp !== undefined) probes.push(new PeriodicProbe('tcp', h.tcp, tcpCheck(h.tcp.host, h.tcp.port), report, stall));
    if (probes.length === 0) return;
    // Only probes judge against the clock: a daemon whose apps have none does not tick for stalls.
    this.onAbort(stall.hold());
    this.onAbort(() => { for (const p of probes) p.stop(); });
  }

  private capture(child: ChildProcess): void {
    const { cfg } = this.ctx;
    captureOutput(child, {
      files: this.ctx.captureFiles(), timestamps: cfg.logs.timestamps, stderrTail: this.stderr,
      touched: () => this.silence?.touch(),
      problem: (msg) => this.events.problem(msg),
    });
  }
}

function spawnFailed(app: string, err: Error): SupervisorError {
  return new SupervisorError('ESPAWN', `cannot start "${app}": ${err.message}`, { cause: err });
}
