// The daemon's parts that its non-app sections configure: the log pipeline (security), the
// forwarder (forward), the alert manager (alerts) and the HTTP server (http). Each is built the
// first time its section arrives and brought in line in place after, so a reload keeps what it
// holds (dedupe windows, spools, offender books).
import { join } from 'node:path';
import type { AppConfig } from '../config/schema/index.js';
import type { EventLog } from '../events/event-log.js';
import type { BulwarkEvent, DaemonKind } from '../events/types.js';
import type { Forwarder } from '../forward/index.js';
import { AlertManager } from '../alerts/index.js';
import { LogPipeline } from '../logs/pipeline.js';
import type { DaemonView } from '../http/daemon-view.js';
import type { HttpServer } from '../http/server.js';
import type { DaemonLogger } from './logger.js';
import type { HomePaths } from './paths.js';
import { planSettings, type SectionName, type Settings } from './settings-plan.js';

export interface SectionPartsDeps {
  paths: HomePaths;
  /** HOSTNAME in alerts (host-name.ts). */
  host: string;
  /** One forwarder for the daemon's life (maybe with no endpoints): the forward section reconfigures it. */
  forwarder: Forwarder;
  events: EventLog;
  log: DaemonLogger;
  /** The event bus. */
  publish(e: BulwarkEvent): void;
  daemonEvent(kind: DaemonKind, message: string): void;
  /** The daemon as the dashboard sees it; asked for each time the HTTP server starts. */
  view(): DaemonView;
}

export class SectionParts {
  /**
   * The non-app sections in force (security, forward, alerts, http), from the last config that had
   * them; null until the first config arrives (the daemon itself never loads the schema: configs
   * come validated from the CLI, or from the app table it wrote).
   */
  private current: Settings | null = null;
  private alertManager: AlertManager | null = null;
  private logPipeline: LogPipeline | null = null;
  private http: HttpServer | null = null;
  /** Where the HTTP server listens (`ping` tells), null when off. */
  private url: string | null = null;

  constructor(private readonly d: SectionPartsDeps) {}

  get settings(): Settings | null { return this.current; }
  get pipeline(): LogPipeline | null { return this.logPipeline; }
  get alerts(): AlertManager | null { return this.alertManager; }
  get httpUrl(): string | null { return this.url; }

  /** Adopts the sections of a new config: only those that changed are brought in line. */
  async adopt(incoming: Settings): Promise<void> {
    const plan = planSettings(this.current, incoming);
    this.current = plan.settings;
    for (const section of plan.changed) await this.bringInLine(section, plan.settings);
  }

  /** Tells the log pipeline which apps run now (it reads their output). */
  followApps(apps: AppConfig[]): Promise<void> {
    return this.logPipeline?.setApps(apps) ?? Promise.resolve();
  }

  closeHttp(): Promise<void> | undefined {
    return this.http?.close();
  }

  /** Brings one running part in line with its (changed) section, in place. */
  private async bringInLine(section: SectionName, settings: Settings): Promise<void> {
    switch (section) {
      case 'security':
        if (this.logPipeline) this.logPipeline.reconfigure(settings.security);
        else this.logPipeline = this.newPipeline(settings);
        break;
      case 'forward':
        await this.d.forwarder.reconfigure(settings.forward);
        break;
      case 'alerts':
        // One manager for the daemon's life: a reload keeps its dedupe windows and flapping episodes.
        // Its syslog channel finds the forwarder when it sends, so a forward change leaves it alone.
        if (this.alertManager) {
          await this.alertManager.reconfigure(settings.alerts);
        } else {
          this.alertManager = new AlertManager(settings.alerts, {
            stateDir: join(this.d.paths.stateDir, 'alerts'), hostname: this.d.host, emit: (e) => this.d.publish(e), forwarder: () => this.d.forwarder,
          });
          await this.alertManager.start();
        }
        break;
      case 'http':
        await this.startHttp(settings.http);
        break;
    }
  }

  /**
   * (Re)starts the HTTP server (/metrics and the dashboard) for `cfg`, or stops it when the section
   * is gone. A failure (port taken, unreadable certificate) is an event; supervision goes on.
   */
  private async startHttp(cfg: Settings['http']): Promise<void> {
    await this.http?.close();
    this.http = null;
    this.url = null;
    if (cfg === undefined) return;
    try {
      const { HttpServer } = await import('../http/server.js'); // prom-client is loaded only when http is on
      const server = new HttpServer(cfg, this.d.view(), { onError: (err) => this.d.log.warn('http problem', { error: err.message }) });
      const { url } = await server.start();
      this.http = server;
      this.url = url;
      this.d.daemonEvent('http', `serving /metrics and the dashboard on ${url}`);
    } catch (err) {
      this.d.log.error('cannot start the http server', { error: (err as Error).message });
      this.d.daemonEvent('http-failed', `cannot serve http on ${cfg.listen}: ${(err as Error).message}`);
    }
  }

  private newPipeline(settings: Settings): LogPipeline {
    const { forwarder, events } = this.d;
    return new LogPipeline({
      logsDir: this.d.paths.logsDir,
      stateDir: this.d.paths.stateDir,
      security: settings.security,
      sinks: {
        publish: (e) => this.d.publish(e),
        forward: (l) => forwarder.accept(l),
        // A batch counts as written once its lines and detections are in the spools, its
        // detections in the history file (page cache) and its alerts in the queue. Usually no
        // alert is being saved: then the checkpoint follows the spool write at once.
        afterWritten: (done) => {
          events.writePending();
          const alerts = this.alertManager?.saved();
          if (alerts === undefined) forwarder.afterWritten(done);
          else Promise.all([forwarder.written(), alerts]).then(done, () => { /* closed: read again after the restart */ });
        },
        durable: () => forwarder.durable(),
        ready: () => forwarder.ready(),
      },
      onError: (err) => this.d.log.warn('log source problem', { error: err.message }),
    });
  }
}
