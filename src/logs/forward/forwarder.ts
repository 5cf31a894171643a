// The forwarding sink: routes events and lines to endpoints by `select`, spools them durably
// (one batched write + fdatasync per endpoint per tick), and runs one sender loop per endpoint.
import { hostname as osHostname } from 'node:os';
import type { ForwardConfig } from '../../config/schema/forward.js';
import { newEventId } from '../../events/id.js';
import type { BulwarkEvent, ForwardEvent, LogLine } from '../../events/types.js';
import { Endpoint, type EndpointStatus } from './endpoint.js';
import { ForwardError, classify } from './errors.js';
import { createFormatter } from './format/index.js';
import { selectionOf } from './select.js';
import { resolveEndpoint } from './settings.js';
import { testEndpoint, type TestResult } from './test-endpoint.js';

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
  private flushWaiters: { resolve(): void; reject(e: Error): void }[] = [];
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
    this.started = true;
    for (const ep of this.endpoints) ep.start();
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
    this.append(ep, ep.formatter.event(e));
    return this.flushed();
  }

  /** Resolves when everything accepted so far is durably spooled (rejects if the disk refused it). */
  flushed(): Promise<void> {
    if (this.pendingMessages === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.flushWaiters.push({ resolve, reject }));
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
    this.flushNow();
    if (this.started) await Promise.all(this.endpoints.map((ep) => ep.close(CLOSE_GRACE_MS)));
  }

  private append(ep: Endpoint, message: string): void {
    ep.spool.append(message);
    if (++this.pendingMessages >= FLUSH_AT_MESSAGES) this.flushNow();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flushNow());
    }
  }

  private flushNow(): void {
    this.flushScheduled = false;
    if (this.pendingMessages === 0 || !this.started) return;
    let failure: Error | null = null;
    for (const ep of this.endpoints) {
      if (!ep.spool.hasPending) continue;
      try {
        ep.spool.flush();
        ep.notify();
      } catch (e) {
        failure = classify(e, `spool ${ep.settings.name}`);
        this.opts.emit({ id: newEventId(), at: new Date().toISOString(), type: 'forward', kind: 'forward.error', endpoint: ep.settings.name, message: failure.message });
      }
    }
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    if (failure) {
      // Kept in memory and retried on the next flush; callers must not commit upstream offsets.
      for (const w of waiters) w.reject(failure);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setTimeout(() => this.flushNow(), 1000).unref();
      }
      return;
    }
    this.pendingMessages = 0;
    for (const w of waiters) w.resolve();
  }
}
