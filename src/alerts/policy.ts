// Alert policy: which events become alerts, for which channels. Routing (`on`, minSeverity),
// dedupe (one alert per key and window, then a summary), the offender cap of distributed attacks,
// flapping episodes, and forward-down. Pure decisions plus the timers of their windows; what to
// do with an alert (queue, deliver, retry) is dispatch's job. It lives as long as the daemon: a
// reload reconfigures it, and open windows and episodes carry on.
import type { AlertsConfig } from '../config/schema/index.js';
import { channelNames } from '../config/names.js';
import type { BanEvent, BulwarkEvent, ForwardEvent, LifecycleEvent, SecurityEvent } from '../events/types.js';
import { newEventId } from '../events/id.js';
import type { Alert } from './alert.js';
import { alertFromBan, alertFromLifecycle, alertFromSecurity, isFailureKind, summaryOf } from './alert.js';
import { Deduper, GroupCap, securityDedupeKey } from './dedupe.js';
import { EpisodeTracker } from './episodes.js';
import { ForwardDownWatch } from './forward-watch.js';
import { buildRoutes, severityAtLeast, unionChannels, type Routes } from './routing.js';

/** Distinct offenders per detection and app that alert one by one within a dedupe window. */
const MAX_OFFENDERS = 10;

/** Where the policy's alerts go: an alert and the channels that should get it. */
export type AlertSink = (alert: Alert, channels: string[]) => void;

export class AlertPolicy {
  private cfg: AlertsConfig;
  private routes: Routes;
  private readonly deduper: Deduper;
  private readonly offenderCap: GroupCap;
  private readonly episodes: EpisodeTracker;
  private readonly forwardWatch: ForwardDownWatch;
  /** Alerts held back by dedupe or a flapping episode, per channel they would have reached (for metrics). */
  private readonly deduplicated = new Map<string, number>();

  constructor(cfg: AlertsConfig, private readonly hostname: string, private readonly sink: AlertSink) {
    this.cfg = cfg;
    this.routes = buildRoutes(cfg.on, channelNames(cfg.channels));
    this.deduper = new Deduper(cfg.dedupe, sink);
    this.offenderCap = new GroupCap(MAX_OFFENDERS, cfg.dedupe);
    this.episodes = new EpisodeTracker(cfg.dedupe, cfg.recoverAfter,
      (a, channels) => sink(a, a.kind === 'recovered' ? unionChannels(channels, this.routes.get('recovered')) : channels));
    this.forwardWatch = new ForwardDownWatch(cfg.forwardDownAfter,
      (endpoint, since) => this.forwardDown(endpoint, since),
      (endpoint, since) => this.forwardUp(endpoint, since));
  }

  /** A new `alerts:` section: new routes and windows from now on; open windows and episodes go on. */
  reconfigure(cfg: AlertsConfig): void {
    this.cfg = cfg;
    this.routes = buildRoutes(cfg.on, channelNames(cfg.channels));
    this.deduper.windowMs = cfg.dedupe;
    this.offenderCap.windowMs = cfg.dedupe;
    this.episodes.quietMs = cfg.dedupe;
    this.episodes.recoverAfterMs = cfg.recoverAfter;
    this.forwardWatch.afterMs = cfg.forwardDownAfter;
  }

  /** Every event from the bus. Cheap for the events that do not alert. */
  accept(e: BulwarkEvent): void {
    switch (e.type) {
      case 'security': this.acceptSecurity(e); break;
      case 'lifecycle': this.acceptLifecycle(e); break;
      case 'forward': this.acceptForward(e); break;
      case 'ban': this.acceptBan(e); break;
      default: break; // alert and daemon events never alert (that would loop)
    }
  }

  /** Alerts held back so far, per channel they would have reached. */
  counters(): { deduplicated: Record<string, number> } {
    return { deduplicated: Object.fromEntries(this.deduplicated) };
  }

  /** Shutdown: held-back counts become summaries (queued, so the next start sends them). */
  flush(): void {
    this.deduper.flush();
    this.episodes.flush();
    this.forwardWatch.close();
    this.offenderCap.close();
  }

  private acceptSecurity(e: SecurityEvent): void {
    const channels = this.routes.get('security');
    if (!channels || !severityAtLeast(e.severity, this.cfg.minSeverity)) return;
    const key = securityDedupeKey(e);
    if (this.deduper.holdsBack(key)) { this.countHeld(channels); return; } // the hot case under attack: no allocation beyond the key
    const group = `security\u0000${e.kind}\u0000${e.app}\u0000*`;
    if (this.offenderCap.take(group)) {
      const alert = alertFromSecurity(e, this.hostname);
      this.deduper.admit(key, alert, [...channels]);
      this.sink(alert, [...channels]);
      return;
    }
    // Too many distinct offenders for one detection: one alert for the crowd, then its summary.
    if (this.deduper.holdsBack(group)) { this.countHeld(channels); return; }
    const alert = alertFromSecurity(e, this.hostname);
    alert.reason = `${e.kind} from more than ${MAX_OFFENDERS} sources on ${e.app} within ${Math.round(this.cfg.dedupe / 1000)}s; further sources are summarised: ${alert.reason}`;
    this.deduper.admit(group, alert, [...channels]);
    this.sink(alert, [...channels]);
  }

  private acceptLifecycle(e: LifecycleEvent): void {
    if (isFailureKind(e.kind)) {
      const kind = e.kind;
      const channels = this.routes.get(kind);
      if (!channels) return;
      const alert = alertFromLifecycle(e, kind, this.hostname);
      if (this.episodes.failure(e.app, alert, [...channels]) === 'alert') this.sink(alert, [...channels]);
      else this.countHeld(channels);
      return;
    }
    switch (e.kind) {
      case 'errored': {
        const ended = this.episodes.end(e.app);
        const channels = this.routes.get('errored');
        if (channels) {
          const alert = alertFromLifecycle(e, 'errored', this.hostname);
          if (ended) {
            alert.reason += ` (after ${ended.failed} failures: ${ended.tally})`;
            if (ended.held) alert.heldBack = ended.held;
          }
          this.sink(alert, unionChannels(channels, ended?.channels));
        } else if (ended && ended.held > 0) {
          this.sink(summaryOf(ended.first, ended.held, Date.now() - ended.startedAt, `before ${e.app} was declared errored`), ended.channels);
        }
        break;
      }
      case 'reload-failed': {
        // A failed deploy, not a failing app: its own alert, outside flapping control.
        const channels = this.routes.get('reload-failed');
        if (channels) this.sink(alertFromLifecycle(e, 'reload-failed', this.hostname), [...channels]);
        break;
      }
      case 'recovered': {
        const ended = this.episodes.end(e.app);
        if (ended) this.sink(EpisodeTracker.recoveredAlert(ended, e.at, e.reason), unionChannels(ended.channels, this.routes.get('recovered')));
        break;
      }
      case 'online':
        this.episodes.online(e.app);
        break;
      case 'stop':
      case 'delete':
        // The operator acted: the episode is over, no "recovered" to announce.
        this.episodes.end(e.app);
        break;
      default: break;
    }
  }

  private countHeld(channels: Iterable<string>): void {
    for (const c of channels) this.deduplicated.set(c, (this.deduplicated.get(c) ?? 0) + 1);
  }

  private acceptBan(e: BanEvent): void {
    const kind = e.kind === 'ban' ? 'ban' : e.kind === 'ban.storm' || e.kind === 'ban.full' ? 'ban-storm' : e.kind === 'ban.error' ? 'ban-error' : null;
    const channels = kind === null ? undefined : this.routes.get(kind);
    if (kind === null || !channels) return;
    const alert = alertFromBan(e, kind, this.hostname);
    if (kind !== 'ban') {
      // Trouble with banning alerts once per dedupe window, then a summary; each ban alerts on its own.
      const key = `${kind}\u0000${e.kind}`;
      if (this.deduper.holdsBack(key)) { this.countHeld(channels); return; }
      this.deduper.admit(key, alert, [...channels]);
    }
    this.sink(alert, [...channels]);
  }

  private acceptForward(e: ForwardEvent): void {
    if (e.kind === 'forward.down') this.forwardWatch.markDown(e.endpoint, Date.parse(e.at) || Date.now());
    else if (e.kind === 'forward.up') this.forwardWatch.markUp(e.endpoint);
  }

  private forwardDown(endpoint: string, since: number): void {
    const channels = this.routes.get('forward-down');
    if (!channels) return;
    this.sink({
      id: newEventId(), at: new Date().toISOString(), host: this.hostname, app: null, kind: 'forward-down',
      severity: 'warning', endpoint, reason: `forward endpoint "${endpoint}" down since ${new Date(since).toISOString()}`,
    }, [...channels]);
  }

  private forwardUp(endpoint: string, since: number): void {
    const channels = unionChannels(this.routes.get('forward-down'), this.routes.get('recovered'));
    this.sink({
      id: newEventId(), at: new Date().toISOString(), host: this.hostname, app: null, kind: 'recovered',
      severity: 'info', endpoint, reason: `forward endpoint "${endpoint}" is back after ${Math.round((Date.now() - since) / 1000)}s down`,
    }, channels);
  }
}
