// Alert dispatch: the durable queue and one delivery worker per channel (rate limit, capped
// backoff, expiry) -> alert.sent / alert.failed / alert.expired events.
//
// Delivery semantics: an alert is written to the queue (off the event loop) before its first
// delivery attempt; a delivery is recorded as sent right after the channel acknowledges it and
// before `alert.sent` is emitted, so restarts included, each alert reaches each channel once. A
// SIGKILL between the receiver's acknowledgement and that record resends it after restart (at
// least once); every body carries the alert id so a receiver can drop the duplicate.
import type { AlertsConfig } from '../config/schema/index.js';
import { channelNames } from '../config/names.js';
import type { AlertEvent } from '../events/types.js';
import { newEventId } from '../events/id.js';
import type { Alert } from './alert.js';
import { alertTitle } from './render.js';
import { createChannel, type AlertChannel, type ForwarderLookup } from './channels/channel.js';
import { AlertQueue, type PendingAlert } from './queue.js';
import { RateLimiter } from './rate-limit.js';
import { retryDelay } from './backoff.js';
import { errorMessage } from './errors.js';

export interface DispatchOptions {
  /** The queue lives in <stateDir>/pending. */
  stateDir: string;
  hostname: string;
  emit(e: AlertEvent): void;
  /** The forwarder, looked up when a syslog channel sends (it may be reconfigured meanwhile). */
  forwarder?: ForwarderLookup;
}

export interface ChannelTestResult {
  channel: string;
  ok: boolean;
  error?: string;
}

interface ChannelWorker {
  channel: AlertChannel;
  limiter: RateLimiter;
  busy: boolean;
  /** Consecutive failed attempts: the channel, not one alert, is what is down. */
  failures: number;
  holdUntil: number;
  timer: NodeJS.Timeout | null;
}

export class AlertDispatcher {
  private readonly workers = new Map<string, ChannelWorker>();
  private readonly queue: AlertQueue;
  private readonly pending = new Map<string, PendingAlert>();
  /** Queued but not yet on disk: not delivered before they are (a crash must not lose a sent-but-unrecorded alert's record). */
  private readonly unsaved = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();
  private started = false;
  private closed = false;

  constructor(private readonly cfg: AlertsConfig, private readonly opts: DispatchOptions) {
    const names = channelNames(cfg.channels);
    cfg.channels.forEach((c, i) => {
      this.workers.set(names[i]!, {
        channel: createChannel(names[i]!, c, { hostname: opts.hostname, forwarder: opts.forwarder }),
        limiter: new RateLimiter(cfg.rateLimit.max, cfg.rateLimit.per),
        busy: false, failures: 0, holdUntil: 0, timer: null,
      });
    });
    this.queue = new AlertQueue(opts.stateDir);
  }

  /** Loads the durable queue and resumes delivery (retries included). */
  async start(): Promise<void> {
    if (this.started) return;
    await this.queue.idle(); // alerts queued before start are files by now, not temp files being written
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

  /** Queues the alert for the channels (those that exist); delivery starts once it is on disk. */
  enqueue(alert: Alert, channels: string[]): void {
    const known = channels.filter((n) => this.workers.has(n));
    if (known.length === 0) return;
    const p: PendingAlert = { v: 1, alert, expiresAt: Date.now() + this.cfg.expire, deliveries: {} };
    for (const n of known) p.deliveries[n] = { state: 'pending', attempts: 0 };
    // In the queue now (order of arrival), deliverable once on disk. Disk trouble must not stop
    // alerting: then it is delivered from memory (lost only if we crash too).
    this.pending.set(alert.id, p);
    this.unsaved.add(alert.id);
    const admit = (): void => {
      this.unsaved.delete(alert.id);
      for (const n of known) this.pump(n);
    };
    this.queue.save(p).then(admit, admit);
  }

  /** Resolves once every alert queued so far is on disk (or the disk refused it); undefined when none is being saved. */
  saved(): Promise<void> | undefined {
    return this.queue.idle();
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

  /** Stops delivering; what is queued stays on disk for the next dispatcher (restart or reload). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.workers.values()) if (w.timer) clearTimeout(w.timer);
    await Promise.allSettled([...this.inflight]);
    await this.queue.idle();
    await Promise.allSettled([...this.workers.values()].map((w) => w.channel.close?.()));
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
      if (this.unsaved.has(p.alert.id)) break; // in order: nothing overtakes an alert still being written
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
    const run = w.channel.send(p.alert).then(async () => {
      d.state = 'sent';
      d.sentAt = new Date().toISOString();
      delete d.lastError;
      await this.persist(p); // recorded before it is announced or anything else is sent
      w.failures = 0;
      w.holdUntil = 0;
      this.record(p, name, 'alert.sent', { attempt });
    }, async (err: unknown) => {
      d.lastError = errorMessage(err);
      await this.persist(p);
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

  private persist(p: PendingAlert): Promise<void> {
    if (Object.values(p.deliveries).every((d) => d.state !== 'pending')) this.pending.delete(p.alert.id);
    // Disk trouble: keep going from memory; the alert is still delivered while we run.
    return this.queue.save(p).catch(() => {});
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
