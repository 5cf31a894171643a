// The daemon: owns the supervisor and the event stream, serves the control socket, and shuts
// everything down gracefully on SIGTERM.
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AppConfig, BulwarkConfig } from '../config/schema/index.js';
import { EventLog, matches } from '../events/event-log.js';
import { newEventId } from '../events/id.js';
import type { BulwarkEvent } from '../events/types.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { LogPipeline } from '../logs/pipeline.js';
import { Forwarder } from '../forward/index.js';
import { AlertManager } from '../alerts/index.js';
import { AppTableStore } from './app-table.js';
import { ControlServer, type Handler } from './control-server.js';
import { acquireDaemonLock, releaseDaemonLock } from './daemon-lock.js';
import { createDaemonLogger, type DaemonLogger } from './logger.js';
import { ensureHome, type HomePaths } from './paths.js';
import { ControlError } from './protocol.js';
import { VERSION } from '../version.js';

export class Daemon {
  private readonly log: DaemonLogger;
  private readonly events: EventLog;
  private readonly supervisor: Supervisor;
  private readonly table: AppTableStore;
  private readonly server: ControlServer;
  /**
   * The non-app sections in force (security, forward, alerts), from the last config that had them;
   * null until the first config arrives (the daemon itself never loads the schema: configs come
   * validated from the CLI, or from the app table it wrote).
   */
  private settings: Settings | null = null;
  private readonly startedAt = Date.now();
  private stopping: Promise<void> | null = null;
  private forwarder: Forwarder | null = null;
  private alerts: AlertManager | null = null;
  private pipeline: LogPipeline | null = null;

  constructor(private readonly paths: HomePaths, foreground: boolean) {
    this.log = createDaemonLogger(paths.daemonLog, foreground);
    this.events = new EventLog(join(paths.stateDir, 'events.jsonl'));
    this.table = new AppTableStore(paths.stateDir);
    this.supervisor = new Supervisor({
      logsDir: paths.logsDir,
      stateDir: paths.stateDir,
      emit: (e) => this.publish(e),
    });
    this.server = new ControlServer(this.handlers(), (err) => this.log.error('control request failed', { error: err.stack }));
  }

  /** Starts serving; resolves once the socket accepts connections. */
  async start(): Promise<void> {
    const reaped = await this.supervisor.reapOrphans();
    if (reaped > 0) this.daemonEvent('orphans-reaped', `ended ${reaped} process group(s) left by a previous daemon`);
    await this.server.listen(this.paths.socket);
    this.daemonEvent('start', `daemon ${VERSION} started (pid ${process.pid})`);
    await this.resurrectAtStart();
  }

  /** Stops every app gracefully, then the daemon. Safe to call twice. */
  shutdown(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      this.log.info('shutting down', { reason });
      await this.supervisor.stopAll();
      await this.pipeline?.close();
      await this.alerts?.close();
      await this.forwarder?.close();
      this.table.clearCurrent();
      this.daemonEvent('stop', `daemon stopped (${reason})`);
      this.events.close();
      await this.server.close();
      releaseDaemonLock(this.paths.pidFile);
      await new Promise<void>((resolve) => { this.log.on('finish', resolve); this.log.end(); });
    })();
    return this.stopping;
  }

  /** The event bus: history first, then every sink. */
  private publish(e: BulwarkEvent): void {
    this.events.append(e);
    this.forwarder?.accept(e);
    this.alerts?.accept(e);
    if (e.type === 'lifecycle') {
      this.log.info(`${e.app}: ${e.kind}${e.to ? ` -> ${e.to}` : ''}: ${e.reason}`);
      if (e.kind === 'errored') this.log.warn(`${e.app} gave up restarting: ${e.reason}`);
    }
  }

  /** (Re)builds the forwarder and/or the alert manager from the settings in force. */
  private async startSinks(settings: Settings, which: ('forward' | 'alerts')[]): Promise<void> {
    const host = hostname();
    if (which.includes('forward')) {
      await this.forwarder?.close();
      this.forwarder = new Forwarder(settings.forward, { stateDir: this.paths.stateDir, hostname: host, emit: (e) => this.publish(e) });
      await this.forwarder.start();
    }
    if (which.includes('forward') || which.includes('alerts')) {
      await this.alerts?.close();
      this.alerts = new AlertManager(settings.alerts, {
        stateDir: join(this.paths.stateDir, 'alerts'), hostname: host, emit: (e) => this.publish(e), forwarder: this.forwarder ?? undefined,
      });
      await this.alerts.start();
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

  private async resurrectAtStart(): Promise<void> {
    let found;
    try {
      found = this.table.loadForStart();
    } catch (err) {
      this.log.error('cannot read the saved app table', { error: (err as Error).message });
      this.daemonEvent('resurrect-failed', `cannot read the saved app table: ${(err as Error).message}`);
      return;
    }
    if (!found) return;
    await this.apply(found.table.config, ['apps', 'security', 'forward', 'alerts']);
    this.daemonEvent('resurrect', `restored ${found.table.config.apps.length} app(s) from the ${found.from === 'crash' ? 'table of a daemon that died' : 'saved table'}`);
  }

  /** Adds or replaces the given apps and starts them; adopts the listed non-app sections. */
  private async apply(config: BulwarkConfig, sections: string[]): Promise<string[]> {
    const { apps, ...rest } = config;
    if (!this.settings) {
      // The first config: every section of it (a script started alone carries the defaults).
      this.settings = rest;
      await this.startSinks(rest, ['forward', 'alerts']);
      this.pipeline = this.newPipeline(rest);
    } else {
      const current = this.settings;
      const changed = (Object.keys(rest) as (keyof Settings)[])
        .filter((key) => sections.includes(key) && JSON.stringify(rest[key]) !== JSON.stringify(current[key]));
      this.settings = { ...current, ...Object.fromEntries(changed.map((k) => [k, rest[k]])) };
      if (changed.includes('security')) this.pipeline?.reconfigure(this.settings.security);
      const sinks = changed.filter((k): k is 'forward' | 'alerts' => k === 'forward' || k === 'alerts');
      if (sinks.length > 0) await this.startSinks(this.settings, sinks);
    }
    for (const app of apps) {
      if (!this.supervisor.has(app.name)) {
        this.supervisor.add(app);
        await this.supervisor.start(app.name);
      } else if (JSON.stringify(this.supervisor.config(app.name)) !== JSON.stringify(app)) {
        await this.supervisor.replace(app); // a changed config: stop, swap, start
      } else if (['stopped', 'errored'].includes(this.supervisor.status(app.name)[0]!.state)) {
        await this.supervisor.start(app.name); // unchanged but down: start it; running ones are left alone
      }
    }
    await this.followApps();
    this.recordCurrent();
    return apps.map((a) => a.name);
  }

  private newPipeline(settings: Settings): LogPipeline {
    return new LogPipeline({
      logsDir: this.paths.logsDir,
      stateDir: this.paths.stateDir,
      security: settings.security,
      sinks: {
        publish: (e) => this.publish(e),
        acceptLine: (l) => this.forwarder?.acceptLine(l),
        flushed: () => this.forwarder?.flushed() ?? Promise.resolve(),
        room: () => this.forwarder?.room(),
      },
      onError: (err) => this.log.warn('log source problem', { error: err.message }),
    });
  }

  private currentConfig(): BulwarkConfig | null {
    return this.settings && { apps: this.supervisor.names().map((n) => this.supervisor.config(n)), ...this.settings };
  }

  private followApps(): Promise<void> {
    return this.pipeline?.setApps(this.supervisor.names().map((n) => this.supervisor.config(n))) ?? Promise.resolve();
  }

  private recordCurrent(): void {
    const config = this.currentConfig();
    if (config) this.table.recordCurrent(config);
  }

  private targets(name: unknown): string[] {
    if (name === 'all') return this.supervisor.names();
    if (typeof name !== 'string' || !this.supervisor.has(name)) {
      const known = this.supervisor.names();
      throw new ControlError('EUNKNOWN_APP', `no app named ${JSON.stringify(name)}${known.length ? ` (known: ${known.join(', ')})` : ' (no apps are registered)'}`);
    }
    return [name];
  }

  private handlers(): Map<string, Handler> {
    const h = new Map<string, Handler>();
    h.set('ping', () => ({ pid: process.pid, version: VERSION, home: this.paths.home, uptimeMs: Date.now() - this.startedAt, host: hostname() }));
    h.set('apply', async (args) => {
      // The CLI validated it (the socket admits only this user); check the shape, not every value.
      const config = args.config as BulwarkConfig | undefined;
      if (!config || !Array.isArray(config.apps) || !config.security || !Array.isArray(config.forward) || !config.alerts) {
        throw new ControlError('ECONFIG', 'apply needs a validated config (apps, security, forward, alerts)');
      }
      return { started: await this.apply(config, Array.isArray(args.sections) ? args.sections as string[] : ['apps']) };
    });
    const each = (fn: (name: string) => Promise<void>) => async (args: Record<string, unknown>) => {
      const names = this.targets(args.name);
      await Promise.all(names.map(fn));
      this.recordCurrent();
      return { names };
    };
    h.set('start', each((n) => this.supervisor.start(n)));
    h.set('stop', each((n) => this.supervisor.stop(n)));
    h.set('restart', async (args) => {
      // --update-env: the caller's environment replaces the one the app was started with.
      const callerEnv = args.callerEnv;
      if (callerEnv === undefined) return each((n) => this.supervisor.restart(n, 'restarted by the user'))(args);
      if (typeof callerEnv !== 'object' || callerEnv === null || Object.values(callerEnv).some((v) => typeof v !== 'string')) {
        throw new ControlError('EBADREQ', 'callerEnv must map names to strings');
      }
      return each(async (n) => {
        await this.supervisor.replace({ ...this.supervisor.config(n), callerEnv: callerEnv as Record<string, string> });
        if (this.supervisor.status(n)[0]!.state === 'stopped') await this.supervisor.start(n); // restart starts a stopped app
      })(args);
    });
    h.set('delete', async (args) => {
      const r = await each((n) => this.supervisor.remove(n))(args);
      await this.followApps();
      return r;
    });
    h.set('status', (args) => {
      if (args.name !== undefined) this.targets(args.name);
      const apps = this.supervisor.status(args.name as string | undefined);
      if (!args.all) return apps;
      return { apps, forward: this.forwarder?.status() ?? [], pipeline: this.pipeline?.stats() ?? null };
    });
    h.set('offenders', () => this.pipeline?.offendersList() ?? []);
    h.set('forward.status', () => this.forwarder?.status() ?? []);
    h.set('forward.test', (args) => this.forwarder?.test(args.name as string | undefined) ?? []);
    h.set('alert.test', (args) => this.alerts?.test(args.channel as string | undefined) ?? []);
    h.set('events', (args, ctx) => {
      const filter = { type: args.type as string | undefined, app: args.app as string | undefined, limit: Number(args.limit ?? 100) };
      if (!args.follow) return this.events.query(filter);
      for (const e of this.events.query(filter)) ctx.send(e);
      const unfollow = this.events.follow((e) => { if (matches(e, filter)) ctx.send(e); });
      ctx.onClose(unfollow);
      ctx.keepOpen();
      return undefined;
    });
    h.set('save', () => {
      const config = this.currentConfig();
      if (!config || config.apps.length === 0) throw new ControlError('ENOAPPS', 'no apps to save: start some first');
      this.table.save(config);
      return { file: this.table.savedFile, apps: config.apps.map((a) => a.name) };
    });
    h.set('resurrect', async () => {
      const saved = this.table.loadSaved();
      if (!saved) throw new ControlError('ENOSAVED', 'nothing saved yet: run `bulwark save` first');
      const missing = saved.config.apps.filter((a) => !this.supervisor.has(a.name));
      return { started: await this.apply({ ...saved.config, apps: missing }, ['security', 'forward', 'alerts']) };
    });
    h.set('kill', () => {
      setImmediate(() => void this.shutdown('bulwark kill').then(() => process.exit(0)));
      return { pid: process.pid };
    });
    return h;
  }
}

type Settings = Omit<BulwarkConfig, 'apps'>;

/** Runs the daemon in this process until SIGTERM/SIGINT or `bulwark kill`. */
export async function runDaemon(paths: HomePaths, foreground: boolean): Promise<Daemon> {
  process.umask(0o077);
  ensureHome(paths);
  acquireDaemonLock(paths.pidFile, paths.home);
  const daemon = new Daemon(paths, foreground);
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(sig, () => void daemon.shutdown(`signal ${sig}`).then(() => process.exit(0)));
  }
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

export type { AppConfig };
