// The daemon: owns the supervisor and the event stream, serves the control socket, and shuts
// everything down gracefully on SIGTERM. Every config change goes through one reconcile path
// (reconciler.ts).
import { isAbsolute } from 'node:path';
import { channelNames } from '../config/names.js';
import { EventCounters } from '../events/counters.js';
import { EventLog, eventsFile, matches } from '../events/event-log.js';
import { newEventId } from '../events/id.js';
import type { BulwarkEvent } from '../events/types.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { Forwarder } from '../forward/index.js';
import { AppTableStore } from './app-table.js';
import { planResurrect, planStart, sourceOf } from './config-owners.js';
import { BanService } from './ban-service.js';
import { ControlServer, streamAll, type Handler } from './control-server.js';
import { acquireDaemonLock, releaseDaemonLock } from './daemon-lock.js';
import { daemonView } from './daemon-view.js';
import { closeDaemonLog, createDaemonLogger, type DaemonLogger } from './logger.js';
import { daemonHostname } from './host-name.js';
import { dropDaemonOnlyEnv } from './node-flags.js';
import { ensureHome, type HomePaths } from './paths.js';
import { checkHomeTree } from './home-guard.js';
import { ControlError } from './protocol.js';
import { Reconciler, type StartCause } from './reconciler.js';
import { SectionParts } from './section-parts.js';
import { settle } from './start-settle.js';
import { SupervisorError } from '../supervisor/errors.js';
import type { RequestArgs } from './requests.js';
import { paced } from '../supervisor/spawn-gate.js';
import type { ReloadOutcome } from '../supervisor/rolling-reload.js';
import { VERSION } from '../version.js';

const BY_USER: StartCause = { reason: 'started by user', by: 'user' };
/** `status` shows CPU and memory at most this old (one /proc pass for every app when older). */
const STATUS_SAMPLE_AGE_MS = 1000;

export class Daemon {
  private readonly log: DaemonLogger;
  private readonly events: EventLog;
  private readonly supervisor: Supervisor;
  private readonly table: AppTableStore;
  private readonly server: ControlServer;
  private readonly startedAt = Date.now();
  private stopping: Promise<void> | null = null;
  /** One forwarder for the daemon's life (maybe with no endpoints): a reload reconfigures it in place. */
  private readonly forwarder: Forwarder;
  /** The log pipeline, alert manager and HTTP server, built from the config's non-app sections. */
  private readonly sections: SectionParts;
  private readonly reconciler: Reconciler;
  /** Totals over the bus since the daemon started (restarts by cause, detections, deliveries). */
  private readonly counters = new EventCounters();
  /** HOSTNAME in forwarded frames and alerts (BULWARK_HOSTNAME overrides os.hostname()). */
  private readonly host = daemonHostname();
  private reloading: Promise<void> = Promise.resolve();
  private readonly bans: BanService;
  /** The apps the daemon brought back when it started (`resurrect` waits for them and names them). */
  private restoredAtStart: Promise<string[]> = Promise.resolve([]);

  constructor(private readonly paths: HomePaths, foreground: boolean) {
    this.log = createDaemonLogger(paths.daemonLog, foreground);
    this.bans = new BanService(paths.stateDir, (e) => this.publish(e), (msg) => this.log.error(msg));
    let historyWarnedAt = 0;
    this.events = new EventLog(eventsFile(paths.stateDir), undefined, (err) => {
      // Once a minute at most: a full disk refuses every write, and this must not become noise itself.
      if (Date.now() - historyWarnedAt < 60_000) return;
      historyWarnedAt = Date.now();
      this.log.warn('cannot write the event history (kept in memory, written when there is room)', { error: err.message });
    });
    this.table = new AppTableStore(paths.stateDir);
    this.supervisor = new Supervisor({
      logsDir: paths.logsDir,
      stateDir: paths.stateDir,
      emit: (e) => this.publish(e),
    });
    this.forwarder = new Forwarder([], { stateDir: paths.stateDir, hostname: this.host, emit: (e) => this.publish(e) });
    this.sections = new SectionParts({
      paths, host: this.host, forwarder: this.forwarder, events: this.events, log: this.log,
      publish: (e) => this.publish(e), daemonEvent: (kind, message) => this.daemonEvent(kind, message),
      view: () => daemonView({
        startedAt: this.startedAt, hostname: this.host, supervisor: this.supervisor, events: this.events, counters: this.counters, control: this.server,
        pipeline: () => this.sections.pipeline, forwarder: () => this.forwarder, alerts: () => this.sections.alerts,
      }),
    });
    this.reconciler = new Reconciler({ supervisor: this.supervisor, table: this.table, bans: this.bans, sections: this.sections });
    this.server = new ControlServer(this.handlers(), (err) => this.log.error('control request failed', { error: err.stack }));
  }

  /** Starts serving; resolves once the socket accepts connections. */
  async start(): Promise<void> {
    const reaped = await this.supervisor.reapOrphans();
    if (reaped > 0) this.daemonEvent('orphans-reaped', `ended ${reaped} app run(s) left by a previous daemon`);
    this.log.info(`apps are contained by ${this.supervisor.containment}`);
    if (!this.supervisor.cgroupsActive) this.daemonEvent('containment', `apps are contained by ${this.supervisor.containment}`);
    await this.server.listen(this.paths.socket);
    await this.forwarder.start();
    this.daemonEvent('start', `daemon ${VERSION} started (pid ${process.pid})`);
    this.restoredAtStart = this.resurrectAtStart();
    await this.restoredAtStart;
  }

  /**
   * Stops every app gracefully, then the daemon. Safe to call twice; never rejects: a step that
   * fails (a full disk) is logged and the next one runs, so `kill` and SIGTERM always end the process.
   */
  shutdown(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      this.log.info('shutting down', { reason });
      await this.step('close the http server', () => this.sections.closeHttp());
      await this.step('stop apps', () => this.supervisor.stopAll());
      await this.step('close the log pipeline', () => this.sections.pipeline?.close());
      await this.step('lift the bans', () => this.bans.close()); // unless security.ban.persist
      await this.step('close alerts', () => this.sections.alerts?.close());
      await this.step('close forwarding', () => this.forwarder.close());
      await this.step('record the app table', () => this.table.clearCurrent());
      this.daemonEvent('stop', `daemon stopped (${reason})`);
      await this.step('close the event history', () => this.events.close());
      await this.step('close the control socket', () => this.server.close());
      releaseDaemonLock(this.paths.pidFile);
      await closeDaemonLog(this.log);
    })();
    return this.stopping;
  }

  /**
   * SIGHUP: reads every config file this daemon was given again and applies each as `start FILE`
   * would, as the owner of what it declares (config-reload.ts); apps deleted since stay deleted.
   * A file that fails leaves what it owns as it is.
   */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(async () => {
      if (this.stopping) return;
      const files = (this.reconciler.owners?.sources ?? []).filter((s) => isAbsolute(s.id));
      if (files.length === 0) this.daemonEvent('reload', 'SIGHUP: no config file to read again (apps came from scripts on the command line)');
      for (const source of files) {
        try {
          const applied = await this.reconciler.reapplyFile(source);
          const changes = applied.map((c) => `${c.action} ${c.what} ${c.name}`).join(', ') || 'no changes';
          this.daemonEvent('reload', `SIGHUP: applied ${source.id}: ${changes}`);
        } catch (err) {
          this.log.error('reload failed', { file: source.id, error: (err as Error).message });
          this.daemonEvent('reload-failed', `SIGHUP: ${source.id}: ${(err as Error).message}`);
        }
      }
    });
    return this.reloading;
  }

  private async step(what: string, fn: () => unknown): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.log.error(`shutdown: cannot ${what}`, { error: (err as Error).message });
    }
  }

  /** The event bus: history first, then every sink (the forwarder keeps its own events out of its spools). */
  private publish(e: BulwarkEvent): void {
    this.counters.accept(e);
    this.events.append(e);
    if (e.type === 'security') this.bans.consider(e);
    this.forwarder.accept(e);
    this.sections.alerts?.accept(e);
    if (e.type === 'lifecycle') {
      this.log.info(`${e.app}: ${e.kind}${e.to ? ` -> ${e.to}` : ''}: ${e.reason}`);
      if (e.kind === 'errored') this.log.warn(`${e.app} gave up restarting: ${e.reason}`);
    } else if (e.type === 'daemon' && e.kind === 'stall') {
      this.log.warn(e.message);
    }
  }

  /** An error nothing else caught: logged with its stack, recorded as a daemon event. */
  internalError(err: Error): void {
    this.log.error('internal error', { error: err.stack ?? err.message });
    this.daemonEvent('internal-error', err.message);
  }

  private daemonEvent(kind: string, message: string): void {
    this.publish({ id: newEventId(), at: new Date().toISOString(), type: 'daemon', kind, message });
  }

  private async resurrectAtStart(): Promise<string[]> {
    let found;
    try {
      found = this.table.loadForStart();
    } catch (err) {
      this.log.error('cannot read the saved app table', { error: (err as Error).message });
      this.daemonEvent('resurrect-failed', `cannot read the saved app table: ${(err as Error).message}`);
      return [];
    }
    if (!found) return [];
    const names = found.owners.sources.flatMap((s) => s.apps.map((a) => a.name));
    const cause = found.from === 'crash'
      ? { reason: 'restored after the previous daemon died', by: 'resurrect' }
      : { reason: 'resurrected from the saved table', by: 'resurrect' };
    try {
      await this.reconciler.reconcile(found.owners, names, cause);
    } catch (err) {
      this.daemonEvent('resurrect-failed', `cannot restore the saved app table: ${(err as Error).message}`);
      return [];
    }
    this.daemonEvent('resurrect', `restored ${names.length} app(s) from the ${found.from === 'crash' ? 'table of a daemon that died' : 'saved table'}`);
    return names;
  }

  private targets(name: unknown, many = false): string[] {
    if (name === 'all') return this.supervisor.names();
    if (many && Array.isArray(name)) return name.filter((n): n is string => typeof n === 'string' && this.supervisor.has(n));
    if (typeof name !== 'string' || !this.supervisor.has(name)) {
      const known = this.supervisor.names();
      throw new ControlError('EUNKNOWN_APP', `no app named ${JSON.stringify(name)}${known.length ? ` (known: ${known.join(', ')})` : ' (no apps are registered)'}`);
    }
    return [name];
  }

  private handlers(): Map<string, Handler> {
    const h = new Map<string, Handler>();
    h.set('ping', () => ({ pid: process.pid, version: VERSION, home: this.paths.home, uptimeMs: Date.now() - this.startedAt, host: this.host, http: this.sections.httpUrl }));
    h.set('apply', async (args) => {
      // Validated whole at the socket (requests.ts). `source` names the file (or `cli:<app>`);
      // `declared` what it wrote itself (absent: everything).
      const { config, source, origin, declared, defaults: given, force, replace, create, dryRun } = args as RequestArgs<'apply'>;
      const id = source?.id ?? 'unnamed';
      const incoming = sourceOf(id, source?.label ?? id, config, declared ?? ['*']);
      if (origin !== undefined) incoming.origin = { ...origin, known: config.apps.map((a) => a.name) }; // for SIGHUP
      const defaults = given ?? this.reconciler.owners?.defaults ?? { security: config.security, alerts: config.alerts };
      const opts = { force: force === true, replace: replace === true, create: create === true };
      const plan = planStart(this.reconciler.owners ?? { sources: [], defaults }, incoming, opts, defaults);
      if (plan.clashes.length > 0) throw new ControlError('ECLASH', plan.clashes.map((c) => this.reconciler.describeClash(c, incoming.label, opts.create)).join('\n'));
      const apps = incoming.apps.map((a) => a.name);
      if (dryRun !== true) await this.reconciler.reconcile(plan.owners, apps, { ...BY_USER, force: opts.force && opts.create });
      return { changes: plan.changes, apps };
    });
    h.set('settle', async (args) => ({ outcomes: await settle(this.supervisor, this.targets(args.names ?? 'all', true)) }));
    const each = (fn: (name: string) => Promise<void>) => async (args: Record<string, unknown>) => {
      const names = this.targets(args.name);
      await paced(names, fn);
      this.reconciler.recordCurrent();
      return { names };
    };
    h.set('start', async (args) => {
      const names = this.targets(args.name);
      const up = (n: string) => this.supervisor.status(n).every((s) => s.state === 'online' || s.state === 'starting');
      const already = names.filter(up);
      await Promise.all(names.filter((n) => !already.includes(n)).map((n) => this.supervisor.start(n)));
      this.reconciler.recordCurrent();
      return { names, already };
    });
    h.set('stop', each((n) => this.supervisor.stop(n)));
    h.set('restart', async (args) => {
      // --update-env: the caller's environment replaces the one the app was started with.
      const callerEnv = args.callerEnv;
      if (callerEnv === undefined) return each((n) => this.supervisor.restart(n, 'restarted by the user'))(args);
      if (typeof callerEnv !== 'object' || callerEnv === null || Object.values(callerEnv).some((v) => typeof v !== 'string')) {
        throw new ControlError('EBADREQ', 'callerEnv must map names to strings');
      }
      return each(async (n) => {
        const app = { ...this.supervisor.config(n), callerEnv: callerEnv as Record<string, string> };
        this.reconciler.keepApp(app);
        await this.supervisor.replace(app);
        if (this.supervisor.appState(n) === 'stopped') await this.supervisor.start(n); // restart starts a stopped app
      })(args);
    });
    h.set('reload', async (args) => {
      // { name: app | "all" } -> { names, reloads: [{ name, mode: rolling | restart, instances, ms }] }
      const names = this.targets(args.name);
      const reloads: ({ name: string } & ReloadOutcome)[] = [];
      const failed: string[] = [];
      for (const n of names) {
        try {
          reloads.push({ name: n, ...await this.supervisor.reload(n) });
        } catch (err) {
          if (!(err instanceof SupervisorError)) throw err;
          failed.push(err.message);
        }
      }
      this.reconciler.recordCurrent();
      if (failed.length > 0) {
        const done = reloads.length > 0 ? `; reloaded: ${reloads.map((r) => r.name).join(', ')}` : '';
        throw new ControlError('ERELOAD', `${failed.join('\n')}${done}`);
      }
      return { names, reloads };
    });
    h.set('scale', async (args) => {
      // { name: app, instances: N >= 1 } -> { name, from, to }
      const { name: asked, instances: n } = args as RequestArgs<'scale'>;
      const [name] = this.targets(asked);
      const result = await this.supervisor.scale(name!, n);
      this.reconciler.keepApp(this.supervisor.config(name!));
      this.reconciler.recordCurrent();
      return { name, ...result };
    });
    h.set('delete', async (args) => {
      const names = this.targets(args.name);
      // The files that declared them: starting one of those again brings its app back.
      const files = [...new Set(names.map((n) => this.reconciler.ownerOf(n)?.id ?? '').filter((id) => id.startsWith('/')))];
      await paced(names, (n) => this.supervisor.remove(n));
      this.reconciler.forgetApps(names);
      this.reconciler.recordCurrent();
      await this.reconciler.followApps();
      // A deleted app must not come back at the next daemon start (PM2 keeps it in its dump).
      const unsaved = this.table.forgetSaved(names);
      return { names, unsaved, files };
    });
    h.set('status', async (args, ctx) => {
      if (args.name !== undefined) this.targets(args.name);
      await this.supervisor.sampleNow(STATUS_SAMPLE_AGE_MS);
      const apps = this.supervisor.status(args.name as string | undefined);
      const rest = () => ({ forward: this.forwarder.status(), pipeline: this.sections.pipeline?.stats() ?? null, bans: this.bans.status() });
      // `stream`: one data message per app, then the rest (the CLI prints as rows arrive).
      if (args.stream === true) return { count: await streamAll(ctx, apps), ...(args.all ? rest() : {}) };
      return args.all ? { apps, ...rest() } : apps;
    });
    h.set('describe', (args) => {
      const [name, ...more] = this.targets(args.name);
      if (more.length > 0 || name === undefined) throw new ControlError('EBADREQ', 'describe takes one app name');
      // Exits are the transitions that carry an exit code or signal, whatever their kind.
      const exits = this.events.query({ app: name, type: 'lifecycle', limit: RECENT_EXITS * 20 })
        .filter((e) => e.type === 'lifecycle' && e.to !== undefined && ('code' in e || 'signal' in e)).slice(-RECENT_EXITS);
      return { config: this.supervisor.config(name), status: this.supervisor.status(name), exits };
    });
    h.set('offenders', () => this.sections.pipeline?.offendersList() ?? []);
    for (const [cmd, handler] of this.bans.handlers()) h.set(cmd, handler);
    h.set('forward.status', () => this.forwarder.status());
    h.set('forward.test', (args) => this.forwarder.test(args.name as string | undefined));
    h.set('alert.test', (args) => this.sections.alerts?.test(args.channel as string | undefined) ?? []);
    h.set('alert.channels', () => channelNames(this.sections.settings?.alerts.channels ?? []));
    h.set('events', async (args, ctx) => {
      const filter = args as RequestArgs<'events'>;
      if (!args.follow) return args.stream === true ? { count: await streamAll(ctx, this.events.query(filter)) } : this.events.query(filter);
      for (const e of this.events.query(filter)) ctx.send(e);
      const unfollow = this.events.follow((e) => { if (matches(e, filter)) ctx.send(e); });
      ctx.onClose(unfollow);
      ctx.keepOpen();
      return undefined;
    });
    h.set('save', () => {
      const config = this.reconciler.currentConfig();
      const owners = this.reconciler.owners;
      if (!owners || !config || config.apps.length === 0) throw new ControlError('ENOAPPS', 'no apps to save: start some first');
      this.table.save(owners);
      return { file: this.table.savedFile, apps: config.apps.map((a) => a.name) };
    });
    h.set('resurrect', async () => {
      // A `resurrect` that started the daemon finds the saved apps on their way back already.
      const restored = await this.restoredAtStart;
      const saved = this.table.loadSaved();
      if (!saved) throw new ControlError('ENOSAVED', 'nothing saved yet: run `bulwark save` first');
      const plan = planResurrect(this.reconciler.owners ?? { sources: [], defaults: saved.defaults }, saved);
      if (plan.apps.length > 0) await this.reconciler.reconcile(plan.owners, plan.apps, { reason: 'resurrected by `bulwark resurrect`', by: 'resurrect' });
      return { started: plan.apps, restored: restored.filter((n) => this.supervisor.has(n)) };
    });
    h.set('kill', () => {
      setImmediate(() => void this.shutdown('bulwark kill').finally(() => process.exit(0)));
      return { pid: process.pid };
    });
    return h;
  }
}

/** How many past exits `describe` shows. */
const RECENT_EXITS = 10;

/** Runs the daemon in this process until SIGTERM/SIGINT or `bulwark kill`. */
export async function runDaemon(paths: HomePaths, foreground: boolean): Promise<Daemon> {
  process.umask(0o077);
  dropDaemonOnlyEnv();
  ensureHome(paths);
  checkHomeTree(paths.home);
  acquireDaemonLock(paths.pidFile, paths.home);
  const daemon = new Daemon(paths, foreground);
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => void daemon.shutdown(`signal ${sig}`).finally(() => process.exit(0)));
  }
  process.on('SIGHUP', () => void daemon.reload()); // the daemon convention (systemctl reload): read the config again
  // A bug in one callback must not take every supervised app's supervisor down with it: record it
  // (bulwark.log and `events --type daemon`) and keep supervising.
  process.on('uncaughtException', (err) => daemon.internalError(err));
  process.on('unhandledRejection', (err) => daemon.internalError(err instanceof Error ? err : new Error(String(err))));
  try {
    await daemon.start();
  } catch (err) {
    releaseDaemonLock(paths.pidFile);
    throw err;
  }
  return daemon;
}

