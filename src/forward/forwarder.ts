// The forwarding sink: routes events and lines to endpoints by `select`, spools them durably
// (one write per endpoint per tick, fdatasync'd off the event loop with group commit), and runs
// one sender loop per endpoint.
import { hostname as osHostname } from 'node:os';
import type { ForwardConfig } from '../config/schema/forward.js';
import { newEventId } from '../events/id.js';
import type { BulwarkEvent, ForwardEvent, LogLine } from '../events/types.js';
import { Endpoint, type EndpointStatus } from './endpoint.js';
import { ForwardError, classify } from './errors.js';
import { createFormatter } from './format/index.js';
import { selectionOf } from './select.js';
import { resolveEndpoint } from './settings.js';
import { testEndpoint, type TestResult } from './test-endpoint.js';

/** How often a paused source re-checks for room in congested spools. */
const ROOM_POLL_MS = 50;

export interface ForwarderOptions {
  /** State directory; spools live in <stateDir>/forward/<endpoint>/. */
  stateDir: string;
  /** HOSTNAME in every message (default: os.hostname()). */
  hostname?: string;
  /** Forwarding trouble and recovery (forward.down/up/error/dropped). */
  emit(e: ForwardEvent): void;
}

// Flush early when this much is waiting, so a fast producer cannot grow memory unbounded.
const FLUSH_AT_MESSAGES = 8192;
const CLOSE_GRACE_MS = 2000;

export class Forwarder {
  private readonly endpoints: Endpoint[];
  private readonly byName = new Map<string, Endpoint>();
  private readonly allLines: Endpoint[];
  private readonly hostname: string;
  private flushScheduled = false;
  private pendingMessages = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private markStarted!: () => void;
  private readonly startedOnce = new Promise<void>((resolve) => (this.markStarted = resolve));
  private readonly linePrefix = newEventId();
  private lineCount = 0;
  private started = false;

  constructor(endpoints: ForwardConfig[], private readonly opts: ForwarderOptions) {
    this.hostname = opts.hostname ?? osHostname();
    this.endpoints = endpoints.map((c) => {
      const s = resolveEndpoint(c);
      const f = createFormatter(s.format, { facility: s.facility, hostname: this.hostname, maxMessageSize: s.maxMessageSize, bom: s.bom });
      // Two endpoints would share one spool directory.
      if (this.byName.has(s.name)) throw new ForwardError('EFWD_CONFIG', `two forward endpoints are named "${s.name}"`);
      const ep = new Endpoint(s, f, opts.stateDir, (e) => opts.emit(e));
      this.byName.set(s.name, ep);
      return ep;
    });
    this.allLines = this.endpoints.filter((ep) => ep.settings.select.has('all'));
  }

  /** Opens the spools and starts sending, beginning with whatever a previous run left undelivered. */
  async start(): Promise<void> {
    if (this.started) return;
    for (const ep of this.endpoints) ep.start();
    this.started = true;
    this.markStarted();
    this.flushNow(); // anything accepted before start
  }

  /** Routes an event by `select`: security -> security, alert -> alerts, the rest -> lifecycle; `all` takes everything. */
  accept(e: BulwarkEvent): void {
    const sel = selectionOf(e);
    for (const ep of this.endpoints) {
      const s = ep.settings.select;
      if (s.has(sel) || s.has('all')) this.append(ep, ep.formatter.event(e));
    }
  }

  /** A raw log line: only endpoints selecting `all` take it. The hot path: no allocations beyond the message. */
  acceptLine(l: LogLine): void {
    if (this.allLines.length === 0) return;
    const id = this.linePrefix + (this.lineCount++).toString(36);
    for (const ep of this.allLines) this.append(ep, ep.formatter.line(l, id));
  }

  /** Spools `e` for one endpoint whatever its `select` (the alerts syslog channel); resolves once durable. */
  enqueue(endpoint: string, e: BulwarkEvent): Promise<void> {
    const ep = this.byName.get(endpoint);
    if (!ep) return Promise.reject(new ForwardError('EFWD_CONFIG', `no forward endpoint named "${endpoint}"`));
    ep.spool.append(ep.formatter.event(e));
    return this.started ? this.flushSpool(ep) : this.startedOnce.then(() => this.flushSpool(ep));
  }

  /** Resolves when everything accepted so far is durably spooled (rejects if the disk refused it). */
  flushed(): Promise<void> {
    if (!this.started) return this.startedOnce.then(() => this.flushed());
    this.pendingMessages = 0;
    return Promise.all(this.endpoints.map((ep) => this.flushSpool(ep))).then(() => {});
  }

  /**
   * undefined while every endpoint keeps up; otherwise a promise that resolves once none is
   * congested. Sources that can wait (files) wait on it, so an endpoint that is connected but slower
   * than the tailer makes reading pause instead of making the spool drop its oldest messages.
   */
  room(): Promise<void> | undefined {
    if (!this.endpoints.some((ep) => ep.congested)) return undefined;
    return new Promise((resolve) => {
      const poll = setInterval(() => {
        if (this.endpoints.every((ep) => !ep.congested)) { clearInterval(poll); resolve(); }
      }, ROOM_POLL_MS);
    });
  }

  status(): EndpointStatus[] {
    return this.endpoints.map((ep) => ep.status());
  }

  /** Sends one test event to each endpoint (or the named one) on a fresh connection and reports delivery. */
  async test(name?: string): Promise<TestResult[]> {
    const targets = name === undefined ? this.endpoints : this.endpoints.filter((ep) => ep.settings.name === name);
    if (name !== undefined && targets.length === 0) return [{ name, delivered: false, error: `no forward endpoint named "${name}"` }];
    return Promise.all(targets.map((ep) => testEndpoint(ep.settings, ep.formatter, this.hostname)));
  }

  /** Spools what is pending, lets open links confirm in-flight data briefly, and closes everything. */
  async close(): Promise<void> {
    clearTimeout(this.retryTimer);
    if (!this.started) return;
    await this.flushed().catch(() => {});
    await Promise.all(this.endpoints.map((ep) => ep.close(CLOSE_GRACE_MS)));
  }

  private append(ep: Endpoint, message: string): void {
    ep.spool.append(message);
    if (++this.pendingMessages >= FLUSH_AT_MESSAGES) this.flushNow();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flushNow());
    }
  }

  /** Writes every endpoint's pending messages now; durability follows asynchronously. */
  private flushNow(): void {
    this.flushScheduled = false;
    if (!this.started) return;
    this.pendingMessages = 0;
    for (const ep of this.endpoints) if (ep.spool.hasPending) this.flushSpool(ep).catch(() => {});
  }

  /** One spool's flush; a failure is reported and retried (the messages stay queued). */
  private flushSpool(ep: Endpoint): Promise<void> {
    let p: Promise<void>;
    try {
      p = ep.spool.flush();
    } catch (e) {
      p = Promise.reject(e as Error);
    }
    return p.catch((e: unknown) => {
      const err = classify(e, `spool ${ep.settings.name}`);
      this.opts.emit({ id: newEventId(), at: new Date().toISOString(), type: 'forward', kind: 'forward.error', endpoint: ep.settings.name, message: err.message });
      if (!this.retryTimer) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.flushNow();
        }, 1000);
        this.retryTimer.unref();
      }
      throw err;
    });
  }
}
