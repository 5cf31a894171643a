// The forwarding sink: routes events and lines to endpoints by `select`, spools them durably
// (one write per endpoint per tick, fdatasync'd off the event loop with group commit), and runs
// one sender loop per endpoint. A reload reconfigures it in place: unchanged endpoints keep their
// connection, a changed one hands its open spool to its successor, so nothing accepted in between
// is lost and nobody waiting on written()/durable()/ready() is left hanging.
//
// Its own events (forward.*) never enter a spool: they go to history and alerts only, so a sink
// that fails cannot feed its failure back into itself (issue 16: a full disk looped at 10,600
// events/s). A refused write is retried with backoff, reported at most once a minute, and never
// re-queues what is already queued.
import { hostname as osHostname } from 'node:os';
import type { ForwardConfig } from '../config/schema/forward.js';
import { newEventId } from '../events/id.js';
import { join } from 'node:path';
import type { BulwarkEvent, ForwardEvent, LogLine } from '../events/types.js';
import { Endpoint, type EndpointStatus } from './endpoint.js';
import { ForwardError, classify, closedError } from './errors.js';
import { createFormatter } from './format/index.js';
import { ForwardReporter, REPORT_WINDOW_MS } from './report.js';
import { selectionOf } from './select.js';
import { resolveAll, settingsKey, type EndpointSettings } from './settings.js';
import { Signal } from './signal.js';
import { Spool } from './spool/spool.js';
import { SpoolWaits } from './spool-waits.js';
import { testEndpoint, type TestResult } from './test-endpoint.js';

/** What the forwarder takes: an event of the bus, or a raw log line (only `select: [all]` endpoints want those). */
export type ForwardInput = BulwarkEvent | LogLine;

export function isLogLine(x: ForwardInput): x is LogLine {
  return (x as BulwarkEvent).type === undefined;
}

export interface ForwarderOptions {
  /** State directory; spools live in <stateDir>/forward/<endpoint>/. */
  stateDir: string;
  /** HOSTNAME in every message (default: os.hostname()). */
  hostname?: string;
  /** Forwarding trouble and recovery (forward.down/up/error/dropped), for history and alerts. */
  emit(e: ForwardEvent): void;
  /** forward.error/dropped are summarised once per this window (default 60 s). */
  reportWindowMs?: number;
}

export interface ForwarderCounters {
  /** Inputs taken (events and lines, before routing). */
  accepted: number;
  /** Refused spool writes or syncs (each retried). */
  writeFailures: number;
  /** forward.* reports by kind, including the ones folded into summaries. */
  reports: Record<ForwardEvent['kind'], number>;
}

// Write early when this much is waiting, so a fast producer cannot grow memory unbounded.
const FLUSH_AT_MESSAGES = 8192;
const CLOSE_GRACE_MS = 2000;
const RETRY_INITIAL_MS = 100;
const RETRY_MAX_MS = 5000;
/** ready() looks again this often even without news (a safety net, not the mechanism). */
const READY_RECHECK_MS = 250;

export class Forwarder {
  private endpoints: Endpoint[] = [];
  private byName = new Map<string, Endpoint>();
  private allLines: Endpoint[] = [];
  private readonly hostname: string;
  private readonly reporter: ForwardReporter;
  /** Fired on writes, syncs, deliveries, link changes and close: ready() re-checks congestion. */
  private readonly progress = new Signal();
  /** written()/durable()/enqueue() waits, settled synchronously as progress happens (see progressed()). */
  private readonly waits = new SpoolWaits();
  private flushScheduled = false;
  private pendingMessages = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = RETRY_INITIAL_MS;
  private readonly linePrefix = newEventId();
  private lineCount = 0;
  private started = false;
  private closed = false;
  private accepted = 0;
  private writeFailures = 0;

  constructor(endpoints: ForwardConfig[], private readonly opts: ForwarderOptions) {
    this.hostname = opts.hostname ?? osHostname();
    this.reporter = new ForwardReporter(opts.emit, opts.reportWindowMs ?? REPORT_WINDOW_MS);
    this.route(resolveAll(endpoints).map((s) => this.newEndpoint(s)));
  }

  /** Opens the spools and starts sending, beginning with whatever a previous run left undelivered. */
  async start(): Promise<void> {
    if (this.started || this.closed) return;
    for (const ep of this.endpoints) {
      ep.spool.open();
      ep.start();
    }
    this.started = true;
    this.flushNow(); // anything accepted before start
  }

  /**
   * Adopts a new `forward:` section in place. Endpoints with the same settings keep running; a
   * changed one stops sending and hands its open spool (everything queued, and whatever arrives
   * meanwhile) to its successor; removed ones close (their spools stay on disk for a later return).
   */
  async reconfigure(configs: ForwardConfig[]): Promise<void> {
    if (this.closed) throw closedError();
    const wanted = resolveAll(configs); // throws before anything changes
    const old = this.byName;
    const next: Endpoint[] = [];
    const retiring: Promise<void>[] = [];
    for (const s of wanted) {
      const current = old.get(s.name);
      if (current && settingsKey(current.settings) === settingsKey(s)) { next.push(current); continue; }
      const spool = current?.spool;
      const ep = this.newEndpoint(s, spool);
      next.push(ep);
      if (!this.started) continue;
      if (current) {
        retiring.push(current.retire(CLOSE_GRACE_MS).then(() => ep.start()));
      } else {
        ep.spool.open();
        ep.start();
      }
    }
    const kept = new Set(next.map((ep) => ep.settings.name));
    const removed = [...old.values()].filter((ep) => !kept.has(ep.settings.name));
    this.route(next); // from now on accept() routes by the new settings
    await Promise.all([...retiring, ...removed.map((ep) => (this.started ? ep.close(CLOSE_GRACE_MS) : Promise.resolve()))]);
    this.progressed();
  }

  /**
   * An event (routed by `select`: security -> security, alert -> alerts, the rest -> lifecycle;
   * `all` takes everything) or a raw line (only `all`). The hot path: no allocation beyond the message.
   */
  accept(input: ForwardInput): void {
    if (this.closed) return;
    this.accepted++;
    if (isLogLine(input)) {
      if (this.allLines.length === 0) return;
      const id = this.linePrefix + (this.lineCount++).toString(36);
      for (const ep of this.allLines) this.append(ep, ep.formatter.line(input, id));
      return;
    }
    if (input.type === 'forward') return; // our own trouble: history and alerts only, never a spool
    const sel = selectionOf(input);
    for (const ep of this.endpoints) {
      const s = ep.settings.select;
      if (s.has(sel) || s.has('all')) this.append(ep, ep.formatter.event(input));
    }
  }

  /** Spools `e` for one endpoint whatever its `select` (the alerts syslog channel); resolves once durable. */
  async enqueue(endpoint: string, e: BulwarkEvent): Promise<void> {
    const ep = this.byName.get(endpoint);
    if (!ep) throw new ForwardError('EFWD_CONFIG', `no forward endpoint named "${endpoint}"`);
    if (this.closed) throw closedError();
    if (!ep.spool.append(ep.formatter.event(e))) throw new ForwardError('EFWD_SPOOL', `spool ${endpoint}: the disk refuses writes and the memory buffer is full`);
    this.scheduleFlush();
    await this.until([ep], (s) => s.durableSeq);
  }

  /**
   * Resolves once everything accepted so far is written to the spools: it survives a crash of this
   * process (not yet a power loss). Waits while the disk refuses writes; rejects only on close.
   */
  written(): Promise<void> {
    return this.until(this.endpoints, (s) => s.writtenSeq);
  }

  /**
   * Calls `done` once everything accepted so far is written to the spools, right after the write
   * that gets it there and before that write's fdatasync starts (now, if nothing is pending); never
   * if the forwarder closes first. A tail checkpoint made here leaves no time between the two
   * writes for a SIGKILL to land in (one landing there resends the whole batch).
   */
  afterWritten(done: () => void): void {
    this.wait(this.endpoints, (s) => s.writtenSeq, done, () => {});
  }

  /** Resolves once everything accepted so far is durable (fdatasync'd). Waits through disk errors; rejects on close. */
  durable(): Promise<void> {
    return this.until(this.endpoints, (s) => s.durableSeq);
  }

  /**
   * undefined while every endpoint keeps up; otherwise a promise that resolves once none is
   * congested, or the forwarder closes. Sources that can wait (files) wait on it, so an endpoint
   * that is connected but slower than the tailer makes reading pause instead of making the spool
   * drop its oldest messages.
   */
  ready(): Promise<void> | undefined {
    if (!this.congested()) return undefined;
    return (async () => {
      while (this.congested()) await this.progress.wait(READY_RECHECK_MS);
    })();
  }

  status(): EndpointStatus[] {
    return this.endpoints.map((ep) => ep.status());
  }

  counters(): ForwarderCounters {
    return { accepted: this.accepted, writeFailures: this.writeFailures, reports: { ...this.reporter.counts } };
  }

  /** Sends one test event to each endpoint (or the named one) on a fresh connection and reports delivery. */
  async test(name?: string): Promise<TestResult[]> {
    const targets = name === undefined ? this.endpoints : this.endpoints.filter((ep) => ep.settings.name === name);
    if (name !== undefined && targets.length === 0) return [{ name, delivered: false, error: `no forward endpoint named "${name}"` }];
    return Promise.all(targets.map((ep) => testEndpoint(ep.settings, ep.formatter, this.hostname)));
  }

  /**
   * Writes what is pending (once: a full disk does not hold the close), lets open links confirm
   * in-flight data briefly, and closes everything. Waits on written()/durable() settle (resolve if
   * the close got their data to disk, else reject); ready() resolves.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.progressed();
    if (this.started) await Promise.all(this.endpoints.map((ep) => ep.close(CLOSE_GRACE_MS)));
    this.reporter.close();
    this.progressed();
  }

  private congested(): boolean {
    return !this.closed && this.endpoints.some((ep) => ep.congested);
  }

  /**
   * Resolves once every endpoint's `progressOf` reaches what it had accepted when called; rejects
   * if a spool closed before getting there (SpoolWaits).
   */
  private until(endpoints: Endpoint[], progressOf: (s: Spool) => number): Promise<void> {
    return new Promise((resolve, reject) => this.wait(endpoints, progressOf, resolve, reject));
  }

  /** A SpoolWaits wait on the endpoints' spools; one that has to wait asks for a flush. */
  private wait(endpoints: Endpoint[], progressOf: (s: Spool) => number, reached: () => void, failed: (e: Error) => void): void {
    const waiting = this.waits.on(endpoints.map((ep) => ep.spool), progressOf, reached, failed);
    if (waiting) this.scheduleFlush(); // later attempts are the retry timer's job
  }

  /** Something moved: settle the waits that are done, wake ready(). */
  private progressed(): void {
    this.waits.settle();
    this.progress.fire();
  }

  private newEndpoint(s: EndpointSettings, spool?: Spool): Endpoint {
    const f = createFormatter(s.format, { facility: s.facility, hostname: this.hostname, maxMessageSize: s.maxMessageSize, bom: s.bom });
    spool ??= new Spool(join(this.opts.stateDir, 'forward', s.name), { maxSize: s.spoolMaxSize });
    return new Endpoint(s, f, spool, this.reporter, () => this.progressed());
  }

  private route(endpoints: Endpoint[]): void {
    this.endpoints = endpoints;
    this.byName = new Map(endpoints.map((ep) => [ep.settings.name, ep]));
    this.allLines = endpoints.filter((ep) => ep.settings.select.has('all'));
  }

  private append(ep: Endpoint, message: string): void {
    ep.spool.append(message);
    if (++this.pendingMessages >= FLUSH_AT_MESSAGES) this.flushNow();
    else this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flushNow());
  }

  /** Writes every endpoint's pending messages now; durability follows off the event loop. */
  private flushNow(): void {
    this.flushScheduled = false;
    if (!this.started || this.closed) return;
    this.pendingMessages = 0;
    let failed = false;
    let wrote = false;
    const pending = this.endpoints.filter((ep) => ep.spool.hasPending);
    for (const ep of pending) {
      try {
        ep.spool.write();
        wrote = true;
      } catch (e) {
        failed = true;
        this.failed(ep, e);
      }
    }
    // Only real progress settles waits (a full disk must not spin them). They settle before the
    // fdatasyncs start: waking the thread pool between a write and the tail checkpoint that
    // depends on it stretched that gap from ~0.1 ms to 5-45 ms under load, and a SIGKILL in the
    // gap resends the batch.
    if (wrote) this.progressed();
    for (const ep of pending) ep.spool.sync().catch((e: unknown) => { this.failed(ep, e); this.retrySoon(); });
    if (failed) this.retrySoon();
    else if (!this.retryTimer) this.retryDelay = RETRY_INITIAL_MS;
  }

  private failed(ep: Endpoint, e: unknown): void {
    this.writeFailures++;
    ep.writeFailed(classify(e, `spool ${ep.settings.name}`));
  }

  /** A refused write or sync: try again later, backing off while the disk stays full. */
  private retrySoon(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.flushNow();
    }, this.retryDelay);
    this.retryTimer.unref();
    this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
  }
}
