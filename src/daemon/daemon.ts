// The daemon: owns the supervisor and the event stream, serves the control socket, and shuts
// everything down gracefully on SIGTERM. Every config change goes through one reconcile path
// (reconciler.ts); what each control request does is control-handlers.ts.
import { isAbsolute } from 'node:path';
import { EventCounters } from '../events/counters.js';
import { EventLog, eventsFile } from '../events/event-log.js';
import { newEventId } from '../events/id.js';
import type { BulwarkEvent, DaemonKind } from '../events/types.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { Forwarder } from '../forward/index.js';
import { AppTableStore } from './app-table.js';
import { BanService } from './ban-service.js';
import { controlHandlers } from './control-handlers.js';
import { ControlServer } from './control-server.js';
import { acquireDaemonLock, releaseDaemonLock } from './daemon-lock.js';
import { daemonView } from './daemon-view.js';
import { closeDaemonLog, createDaemonLogger, type DaemonLogger } from './logger.js';
import { daemonHostname } from './host-name.js';
import { dropDaemonOnlyEnv } from './node-flags.js';
import { ensureHome, type HomePaths } from './paths.js';
import { checkHomeTree } from './home-guard.js';
import { Reconciler } from './reconciler.js';
import { SectionParts } from './section-parts.js';
import { VERSION } from '../version.js';

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
    const handlers = controlHandlers({
      home: paths.home, startedAt: this.startedAt, host: this.host,
      supervisor: this.supervisor, events: this.events, table: this.table, forwarder: this.forwarder, bans: this.bans,
      sections: this.sections, reconciler: this.reconciler,
      restoredAtStart: () => this.restoredAtStart, shutdown: (reason) => this.shutdown(reason),
    });
    this.server = new ControlServer(handlers, (err) => this.log.error('control request failed', { error: err.stack }));
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

  /** An error nothing else caught: logged with its stack, recorded as a daemon event. */
  internalError(err: Error): void {
    this.log.error('internal error', { error: err.stack ?? err.message });
    this.daemonEvent('internal-error', err.message);
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

  private daemonEvent(kind: DaemonKind, message: string): void {
    this.publish({ id: newEventId(), at: new Date().toISOString(), type: 'daemon', kind, message });
  }

  /** Brings back the table of a daemon that died, else the saved one; the names of the apps it restored. */
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
}

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

