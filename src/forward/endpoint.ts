// One forward endpoint: its spool, its formatter, and the loop that connects (with capped
// exponential backoff), pumps spooled batches into the link and commits what was delivered.
// On a new link, sending restarts at the spool's committed mark: undelivered data goes again.
import { ForwardError, classify } from './errors.js';
import { lineEnds } from './framing.js';
import type { MessageFormatter } from './format/index.js';
import type { ForwardReporter } from './report.js';
import type { EndpointSettings } from './settings.js';
import { Signal } from './signal.js';
import { Spool, type Mark } from './spool/spool.js';
import type { Link, LinkEvents } from './transport/link.js';
import { openLink } from './transport/open.js';

/**
 * One socket write. Small enough that what a SIGKILL leaves half-handed to the kernel (and so
 * resent, see spool/cursor.ts) is a few hundred messages; large enough that a write per batch is cheap.
 */
const BATCH_BYTES = 32 * 1024;
const BACKOFF_INITIAL_MS = 200;
const BACKOFF_MAX_MS = 5_000;

export interface EndpointStatus {
  name: string;
  connected: boolean;
  /** Messages in the spool not yet delivered. */
  spooled: number;
  /** Messages written to a connection (resends included). */
  sent: number;
  /** Messages the receiver confirmed since start (TCP: see Delivery in docs/forwarding.md; RELP: rsp 200). */
  delivered: number;
  /** Messages sent again on a new connection: their delivery was not confirmed on the old one. */
  retried: number;
  /** Bytes in the spool not yet delivered. */
  spoolBytes: number;
  /** When the oldest undelivered message was spooled (ms since epoch), or null when none is. */
  oldestUndeliveredAt: number | null;
  /** Messages dropped by the spool bound or while memory was full. */
  dropped: number;
  /** Successful connects since start. */
  connects: number;
  lastError: string | null;
}

export class Endpoint {
  private link: Link | null = null;
  /** New data, link down or close. */
  private readonly wake = new Signal();
  /** The link drained (can take more), went down, or close. */
  private readonly ready = new Signal();
  private readonly closed = new Signal();
  private closing = false;
  private loopDone: Promise<void> = Promise.resolve();
  private sent = 0;
  private delivered = 0;
  private retried = 0;
  /** Where the last link stopped sending: a new link resends from the committed mark up to here. */
  private sentSeq = 0;
  private connects = 0;
  private lastError: string | null = null;
  private everUp = false;
  private down = false;
  private readonly handsToKernel: boolean;

  constructor(
    readonly settings: EndpointSettings,
    readonly formatter: MessageFormatter,
    /** Open; shared with the endpoint this one replaces on a reload (the queue outlives its settings). */
    readonly spool: Spool,
    private readonly reporter: ForwardReporter,
    /** Something that may end congestion or a wait happened (durable data, delivery, link down, close). */
    private readonly onProgress: () => void,
  ) {
    this.handsToKernel = settings.protocol === 'tcp' || settings.protocol === 'tls';
    spool.maxSize = settings.spoolMaxSize;
    spool.handlers = {
      onDurable: () => { this.wake.fire(); onProgress(); },
      onDrop: (n, reason) => {
        this.report('forward.dropped', reason === 'spool-full'
          ? `spool over ${settings.spoolMaxSize} bytes: dropped the ${n} oldest messages`
          : `the disk refuses writes and the memory buffer is full: dropped ${n} new message${n > 1 ? 's' : ''}`, n);
        onProgress();
      },
      onError: (err) => {
        this.lastError = err.message;
        this.report('forward.error', err.message);
      },
    };
  }

  /** Starts the sender loop (the spool is open). */
  start(): void {
    this.loopDone = this.run();
  }

  /** Spool position up to which the current link has written (the rest is unsent). */
  private sentPos = 0;

  get connected(): boolean {
    return this.link !== null;
  }

  /**
   * Up (connected, or connecting without a failure yet), yet the endpoint is slower than the
   * sources: more than a quarter of the spool bound is still unsent, or three quarters of it is
   * waiting in all (unsent plus the sent bytes still inside the TCP resend window). Pausing file
   * sources then keeps the spool from dropping lines, also while the first connection is being
   * made. (Down, after a failed connect, is different: the spool absorbs the outage up to its bound.)
   */
  get congested(): boolean {
    if (this.down || this.closing) return false;
    const max = this.settings.spoolMaxSize;
    const committed = this.spool.committed.pos;
    return this.spool.bytesAfter(Math.max(this.sentPos, committed)) > max / 4 || this.spool.bytesAfter(committed) > (max * 3) / 4;
  }

  status(): EndpointStatus {
    return {
      name: this.settings.name,
      connected: this.connected,
      spooled: this.spool.spooled,
      sent: this.sent,
      delivered: this.delivered,
      retried: this.retried,
      spoolBytes: this.spool.bytesAfter(this.spool.committed.pos),
      oldestUndeliveredAt: this.spool.oldestUndeliveredAt,
      dropped: this.spool.dropped,
      connects: this.connects,
      lastError: this.lastError,
    };
  }

  /** Records a spool write/sync failure (the forwarder retries). */
  writeFailed(err: ForwardError): void {
    this.lastError = err.message;
    this.report('forward.error', err.message);
  }

  /** Stops the loop; an open link gets `graceMs` to confirm what is in flight. Undelivered data stays spooled. */
  async close(graceMs: number): Promise<void> {
    await this.retire(graceMs);
    await this.spool.close();
  }

  /** Stops sending but leaves the spool open for the endpoint that replaces this one (a reload). */
  async retire(graceMs: number): Promise<void> {
    this.closing = true;
    this.wake.fire();
    this.ready.fire();
    this.closed.fire();
    this.onProgress();
    await this.link?.close(graceMs);
    await this.loopDone;
  }

  private async run(): Promise<void> {
    let backoff = BACKOFF_INITIAL_MS;
    while (!this.closing) {
      // Connect lazily: an idle endpoint holds no connection a receiver could time out.
      if (this.spool.end.pos <= this.spool.committed.pos) {
        await this.wake.wait();
        continue;
      }
      let downErr: ForwardError | null = null;
      const events: LinkEvents = {
        delivered: (to) => {
          const before = this.spool.committed.seq;
          this.spool.commit(to);
          this.delivered += Math.max(0, this.spool.committed.seq - before);
          this.onProgress();
        },
        drain: () => this.ready.fire(),
        down: (err) => {
          downErr = err;
          this.wake.fire();
          this.ready.fire();
          this.onProgress();
        },
        warn: (err) => { this.lastError = err.message; },
      };
      if (this.handsToKernel) events.handed = (to) => this.spool.hand(to.pos);
      let link: Link;
      try {
        link = await openLink(this.settings, events);
      } catch (e) {
        this.failed(classify(e, this.settings.name));
        await this.closed.wait(backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
        continue;
      }
      if (this.closing) {
        await link.close(1000);
        break;
      }
      this.link = link;
      this.connects++;
      backoff = BACKOFF_INITIAL_MS;
      if (this.down || !this.everUp) this.report('forward.up', `connected to ${this.settings.host}:${this.settings.port} (${this.settings.protocol})`);
      this.everUp = true;
      this.down = false;
      this.onProgress();
      try {
        await this.pump(link, () => downErr);
      } catch (e) {
        // The spool could not be read: give up this link, report, and try again after a pause.
        this.failed(classify(e, `${this.settings.name} spool`));
        await link.close(0);
        this.link = null;
        this.spool.resetHanded();
        await this.closed.wait(BACKOFF_MAX_MS);
        continue;
      }
      this.link = null;
      // What the dead link held is not known to be delivered: it is sent again on the next one.
      if (downErr) this.spool.resetHanded();
      // A dropped link is not yet an outage (receivers close idle connections): only a failed
      // reconnect reports forward.down.
      if (downErr) this.lastError = (downErr as ForwardError).message;
    }
  }

  /** Sends from the committed mark until the link goes down or the endpoint closes. */
  private async pump(link: Link, isDown: () => ForwardError | null): Promise<void> {
    let next: Mark = this.spool.committed;
    this.sentPos = next.pos;
    if (this.sentSeq > next.seq) this.retried += this.sentSeq - next.seq;
    while (!this.closing && !isDown()) {
      if (next.pos < this.spool.committed.pos) next = this.spool.committed; // oldest were dropped
      const data = this.spool.read(next.pos, BATCH_BYTES);
      if (data.length === 0) {
        await this.wake.wait();
        continue;
      }
      const ends = lineEnds(data);
      const to = { pos: next.pos + data.length, seq: next.seq + ends.length };
      const more = link.write({ data, ends, from: next, to });
      this.sent += ends.length;
      next = to;
      this.sentPos = to.pos;
      this.sentSeq = to.seq;
      this.onProgress();
      if (!more) await this.ready.wait(); // backpressure: new data must not bypass it
      else await afterCallbacks(); // the write's callback (the handed mark) runs before the next write
    }
  }

  private failed(err: ForwardError): void {
    const changed = err.message !== this.lastError;
    this.lastError = err.message;
    if (!this.down) {
      this.down = true;
      this.report('forward.down', err.message);
      this.onProgress();
    } else if (changed) {
      this.report('forward.error', err.message);
    }
  }

  private report(kind: 'forward.error' | 'forward.down' | 'forward.up' | 'forward.dropped', message: string, count = 1): void {
    this.reporter.report(this.settings.name, kind, message, count);
  }
}

/** Lets pending process.nextTick callbacks (completed socket writes) run: a loop of writes must not starve them. */
function afterCallbacks(): Promise<void> {
  return new Promise((resolve) => process.nextTick(resolve));
}
