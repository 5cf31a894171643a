// AlertManager: the alerts sink of the event bus. Events -> alerts (routing, dedupe, flapping) ->
// durable queue -> one delivery worker per channel (rate limit, capped backoff, expiry) -> events.
//
// Delivery semantics: an alert is on disk before accept() returns. A delivery is recorded as sent
// (atomic rewrite) right after the channel acknowledges it and before `alert.sent` is emitted, so in
// normal operation, restarts included, each alert reaches each channel exactly once. A SIGKILL in the
// few microseconds between the receiver's acknowledgement and that record resends it after restart
// (at least once); every body carries the alert id so a receiver can drop the duplicate.
import type { AlertsConfig } from '../config/schema/index.js';
import { channelNames } from '../config/names.js';
import type { AlertEvent, BanEvent, BulwarkEvent, LifecycleEvent, SecurityEvent, ForwardEvent } from '../events/types.js';
import { newEventId } from '../events/id.js';
import type { Alert } from './alert.js';
import { alertFromBan, alertFromLifecycle, alertFromSecurity, isFailureKind, summaryOf } from './alert.js';
import { alertTitle } from './render.js';
import { createChannel, type AlertChannel, type Forwarder } from './channels/channel.js';
import { AlertQueue, type PendingAlert } from './queue.js';
import { Deduper, GroupCap, securityDedupeKey } from './dedupe.js';
import { EpisodeTracker } from './episodes.js';
import { ForwardDownWatch } from './forward-watch.js';
import { RateLimiter } from './rate-limit.js';
import { retryDelay } from './backoff.js';
import { buildRoutes, severityAtLeast, unionChannels, type Routes } from './routing.js';
import { errorMessage } from './errors.js';

export interface AlertManagerOptions {
  /** A directory the manager owns (e.g. $BULWARK_HOME/state/alerts); the queue lives in <stateDir>/pending. */
  stateDir: string;
  hostname: string;
  emit(e: AlertEvent): void;
  forwarder?: Forwarder;
}

export interface ChannelTestResult {
  channel: string;
  ok: boolean;
  error?: string;
}

/** Distinct offenders per detection and app that alert one by one within a dedupe window. */
const MAX_OFFENDERS = 10;

interface ChannelWorker {
  channel: AlertChannel;
  limiter: RateLimiter;
  busy: boolean;
  /** Consecutive failed attempts: the channel, not one alert, is what is down. */
  failures: number;
  holdUntil: number;
  timer: NodeJS.Timeout | null;
}

export class AlertManager {
  private readonly workers = new Map<string, ChannelWorker>();
  private readonly routes: Routes;
  private readonly queue: AlertQueue;
  private readonly pending = new Map<string, PendingAlert>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly deduper: Deduper;
  private readonly offenderCap: GroupCap;
  private readonly episodes: EpisodeTracker;
  private readonly forwardWatch: ForwardDownWatch;
  private started = false;
  private closed = false;
  private readonly deduplicated = new Map<string, number>();

  constructor(private readonly cfg: AlertsConfig, private readonly opts: AlertManagerOptions) {
    const names = channelNames(cfg.channels);
    cfg.channels.forEach((c, i) => {
      this.workers.set(names[i]!, {
        channel: createChannel(names[i]!, c, { hostname: opts.hostname, forwarder: opts.forwarder }),
        limiter: new RateLimiter(cfg.rateLimit.max, cfg.rateLimit.per),
        busy: false, failures: 0, holdUntil: 0, timer: null,
      });
    });
    this.routes = buildRoutes(cfg.on, names);
    this.queue = new AlertQueue(opts.stateDir);
    const enqueue = (a: Alert, channels: string[]) => this.enqueue(a, channels);
    this.deduper = new Deduper(cfg.dedupe, enqueue);
    this.offenderCap = new GroupCap(MAX_OFFENDERS, cfg.dedupe);
    this.episodes = new EpisodeTracker(cfg.dedupe, cfg.recoverAfter,
      (a, channels) => this.enqueue(a, a.kind === 'recovered' ? unionChannels(channels, this.routes.get('recovered')) : channels));
    this.forwardWatch = new ForwardDownWatch(cfg.forwardDownAfter,
      (endpoint, since) => this.forwardDown(endpoint, since),
      (endpoint, since) => this.forwardUp(endpoint, since));
  }

  /** Loads the durable queue and resumes delivery (retries included). */
  async start(): Promise<void> {
    if (this.started) return;
    const { alerts } = this.queue.load();
    for (const p of alerts) {
      if (this.pending.has(p.alert.id)) continue;
      // Channels removed from the config since: nothing can deliver them any more.
      for (const [name, d] of Object.entries(p.deliveries)) {
        if (d.state === 'pending' && !this.workers.has(name)) {
          d.state = 'expired';
          this.record(p, name, 'alert.expired', { error: 'channel no longer configured' });
        }
      }
      this.pending.set(p.alert.id, p);
    }
    this.started = true;
    for (const name of this.workers.keys()) this.pump(name);
  }

  /** Every event from the bus. Cheap for the events that do not alert. */
  accept(e: BulwarkEvent): void {
    if (this.closed) return;
    switch (e.type) {
      case 'security': this.acceptSecurity(e); break;
      case 'lifecycle': this.acceptLifecycle(e); break;
      case 'forward': this.acceptForward(e); break;
      case 'ban': this.acceptBan(e); break;
      default: break; // alert and daemon events never alert (that would loop)
    }
  }

  /** Sends one test alert straight through each channel (or the named one), bypassing queue and limits. */
  async test(channel?: string): Promise<ChannelTestResult[]> {
    const names = channel === undefined ? [...this.workers.keys()] : [channel];
    return Promise.all(names.map(async (name): Promise<ChannelTestResult> => {
      const w = this.workers.get(name);
      if (!w) return { channel: name, ok: false, error: `no alert channel named "${name}" (channels: ${[...this.workers.keys()].join(', ') || 'none'})` };
      const alert: Alert = {
        id: newEventId(), at: new Date().toISOString(), host: this.opts.hostname, app: null, kind: 'test',
        severity: 'info', reason: `test alert from bulwark on ${this.opts.hostname} through channel "${name}"`,
      };
      const p: PendingAlert = { v: 1, alert, expiresAt: Date.now(), deliveries: { [name]: { state: 'pending', attempts: 1 } } };
      try {
        await w.channel.send(alert);
        this.record(p, name, 'alert.sent');
        return { channel: name, ok: true };
      } catch (err) {
        const error = errorMessage(err);
        this.record(p, name, 'alert.failed', { error });
        return { channel: name, ok: false, error };
      }
    }));
  }

  /** How much is waiting: alerts with at least one undelivered channel, and undelivered (alert, channel) pairs. */
  pendingCount(): { alerts: number; deliveries: number } {
    let deliveries = 0;
    for (const p of this.pending.values()) for (const d of Object.values(p.deliveries)) if (d.state === 'pending') deliveries++;
    return { alerts: this.pending.size, deliveries };
  }

  /** Stops delivering; held-back counts are queued as summaries (sent after the next start). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Queued, not sent: the next manager on this stateDir (restart or config reload) delivers them.
    this.deduper.flush();
    this.episodes.flush();
    this.forwardWatch.close();
    this.offenderCap.close();
    for (const w of this.workers.values()) if (w.timer) clearTimeout(w.timer);
    await Promise.allSettled([...this.inflight]);
    await Promise.allSettled([...this.workers.values()].map((w) => w.channel.close?.()));
  }

  /** Alerts held back by dedupe or a flapping episode, per channel they would have reached. */
  counters(): { deduplicated: Record<string, number> } {
    return { deduplicated: Object.fromEntries(this.deduplicated) };
  }

  private countHeld(channels: Iterable<string>): void {
    for (const c of channels) this.deduplicated.set(c, (this.deduplicated.get(c) ?? 0) + 1);
  }

  // --- events -> alerts -------------------------------------------------------------------------

  private acceptSecurity(e: SecurityEvent): void {
    const channels = this.routes.get('security');
    if (!channels || !severityAtLeast(e.severity, this.cfg.minSeverity)) return;
    const key = securityDedupeKey(e);
    if (this.deduper.holdsBack(key)) { this.countHeld(channels); return; } // the hot case under attack: no allocation beyond the key
    const group = `security\u0000${e.kind}\u0000${e.app}\u0000*`;
    if (this.offenderCap.take(group)) {
      const alert = alertFromSecurity(e, this.opts.hostname);
      this.deduper.admit(key, alert, [...channels]);
      this.enqueue(alert, [...channels]);
      return;
    }
    // Too many distinct offenders for one detection: one alert for the crowd, then its summary.
    if (this.deduper.holdsBack(group)) { this.countHeld(channels); return; }
    const alert = alertFromSecurity(e, this.opts.hostname);
    alert.reason = `${e.kind} from more than ${MAX_OFFENDERS} sources on ${e.app} within ${Math.round(this.cfg.dedupe / 1000)}s; further sources are summarised: ${alert.reason}`;
    this.deduper.admit(group, alert, [...channels]);
    this.enqueue(alert, [...channels]);
  }

  private acceptLifecycle(e: LifecycleEvent): void {
    if (isFailureKind(e.kind)) {
      const kind = e.kind;
      const channels = this.routes.get(kind);
      if (!channels) return;
      const alert = alertFromLifecycle(e, kind, this.opts.hostname);
      if (this.episodes.failure(e.app, alert, [...channels]) === 'alert') this.enqueue(alert, [...channels]);
      else this.countHeld(channels);
      return;
    }
    switch (e.kind) {
      case 'errored': {
        const ended = this.episodes.end(e.app);
        const channels = this.routes.get('errored');
        if (channels) {
          const alert = alertFromLifecycle(e, 'errored', this.opts.hostname);
          if (ended) {
            alert.reason += ` (after ${ended.failed} failures: ${ended.tally})`;
            if (ended.held) alert.heldBack = ended.held;
          }
          this.enqueue(alert, unionChannels(channels, ended?.channels));
        } else if (ended && ended.held > 0) {
          this.enqueue(summaryOf(ended.first, ended.held, Date.now() - ended.startedAt, `before ${e.app} was declared errored`), ended.channels);
        }
        break;
      }
      case 'recovered': {
        const ended = this.episodes.end(e.app);
        if (ended) this.enqueue(EpisodeTracker.recoveredAlert(ended, e.at, e.reason), unionChannels(ended.channels, this.routes.get('recovered')));
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

  private acceptBan(e: BanEvent): void {
    const kind = e.kind === 'ban' ? 'ban' : e.kind === 'ban.storm' || e.kind === 'ban.full' ? 'ban-storm' : e.kind === 'ban.error' ? 'ban-error' : null;
    const channels = kind === null ? undefined : this.routes.get(kind);
    if (kind === null || !channels) return;
    const alert = alertFromBan(e, kind, this.opts.hostname);
    if (kind !== 'ban') {
      // Trouble with banning alerts once per dedupe window, then a summary; each ban alerts on its own.
      const key = `${kind}\u0000${e.kind}`;
      if (this.deduper.holdsBack(key)) return;
      this.deduper.admit(key, alert, [...channels]);
    }
    this.enqueue(alert, [...channels]);
  }

  private acceptForward(e: ForwardEvent): void {
    if (e.kind === 'forward.down') this.forwardWatch.markDown(e.endpoint, Date.parse(e.at) || Date.now());
    else if (e.kind === 'forward.up') this.forwardWatch.markUp(e.endpoint);
  }

  private forwardDown(endpoint: string, since: number): void {
    const channels = this.routes.get('forward-down');
    if (!channels) return;
    this.enqueue({
      id: newEventId(), at: new Date().toISOString(), host: this.opts.hostname, app: null, kind: 'forward-down',
      severity: 'warning', endpoint, reason: `forward endpoint "${endpoint}" down since ${new Date(since).toISOString()}`,
    }, [...channels]);
  }

  private forwardUp(endpoint: string, since: number): void {
    const channels = unionChannels(this.routes.get('forward-down'), this.routes.get('recovered'));
    this.enqueue({
      id: newEventId(), at: new Date().toISOString(), host: this.opts.hostname, app: null, kind: 'recovered',
      severity: 'info', endpoint, reason: `forward endpoint "${endpoint}" is back after ${Math.round((Date.now() - since) / 1000)}s down`,
    }, channels);
  }

  // --- queue -> channels ----------------------------------------------------------------------

  private enqueue(alert: Alert, channels: string[]): void {
    const known = channels.filter((n) => this.workers.has(n));
    if (known.length === 0) return;
    const p: PendingAlert = { v: 1, alert, expiresAt: Date.now() + this.cfg.expire, deliveries: {} };
    for (const n of known) p.deliveries[n] = { state: 'pending', attempts: 0 };
    try {
      this.queue.save(p); // on disk before anything else happens: a crash from here on cannot lose it
    } catch {
      // Disk trouble must not break the event bus: deliver from memory (lost only if we crash too).
    }
    this.pending.set(alert.id, p);
    for (const n of known) this.pump(n);
  }

  /** Starts the next delivery on a channel if one is due, else sets a timer for when one will be. */
  private pump(name: string): void {
    const w = this.workers.get(name)!;
    if (!this.started || this.closed || w.busy) return;
    if (w.timer) { clearTimeout(w.timer); w.timer = null; }
    const now = Date.now();
    let next: PendingAlert | undefined;
    let nextExpiry = Infinity;
    for (const p of this.pending.values()) {
      const d = p.deliveries[name];
      if (!d || d.state !== 'pending') continue;
      if (now >= p.expiresAt) {
        d.state = 'expired';
        this.persist(p);
        this.record(p, name, 'alert.expired', { error: d.lastError ?? 'not delivered in time' });
        continue;
      }
      nextExpiry = Math.min(nextExpiry, p.expiresAt);
      // Fewest attempts first, then oldest: a poison alert cannot starve the others.
      if (!next || d.attempts < next.deliveries[name]!.attempts) next = p;
    }
    if (!next) return;
    const wait = Math.max(w.holdUntil - now, w.limiter.waitMs(now));
    if (wait > 0) {
      w.timer = setTimeout(() => { w.timer = null; this.pump(name); }, Math.min(wait, nextExpiry - now + 1));
      w.timer.unref();
      return;
    }
    this.attempt(name, w, next);
  }

  private attempt(name: string, w: ChannelWorker, p: PendingAlert): void {
    const d = p.deliveries[name]!;
    w.busy = true;
    w.limiter.record();
    const attempt = ++d.attempts;
    const run = w.channel.send(p.alert).then(() => {
      d.state = 'sent';
      d.sentAt = new Date().toISOString();
      delete d.lastError;
      this.persist(p); // recorded before it is announced or anything else is sent
      w.failures = 0;
      w.holdUntil = 0;
      this.record(p, name, 'alert.sent', { attempt });
    }, (err: unknown) => {
      d.lastError = errorMessage(err);
      this.persist(p);
      w.failures++;
      w.holdUntil = Date.now() + retryDelay(w.failures, this.cfg.retry);
      this.record(p, name, 'alert.failed', { attempt, error: d.lastError });
    }).finally(() => {
      w.busy = false;
      this.inflight.delete(run);
      this.pump(name);
    });
    this.inflight.add(run);
  }

  private persist(p: PendingAlert): void {
    try {
      this.queue.save(p);
    } catch {
      // Disk trouble: keep going from memory; the alert is still delivered while we run.
    }
    if (Object.values(p.deliveries).every((d) => d.state !== 'pending')) this.pending.delete(p.alert.id);
  }

  private record(p: PendingAlert, channel: string, kind: AlertEvent['kind'], extra: { attempt?: number; error?: string } = {}): void {
    const e: AlertEvent = {
      id: newEventId(), at: new Date().toISOString(), type: 'alert', kind, channel,
      alertId: p.alert.id, alertKind: p.alert.kind, message: alertTitle(p.alert), ...extra,
    };
    if (p.alert.app) e.app = p.alert.app;
    try { this.opts.emit(e); } catch { /* a faulty listener must not stop delivery */ }
  }
}
