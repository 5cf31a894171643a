// One forward endpoint: its spool, its formatter, and the loop that connects (with capped
// exponential backoff), pumps spooled batches into the link and commits what was delivered.
// On a new link, sending restarts at the spool's committed mark: undelivered data goes again.
import { join } from 'node:path';
import type { ForwardEvent } from '../events/types.js';
import { newEventId } from '../events/id.js';
import { ForwardError, classify } from './errors.js';
import { lineEnds } from './framing.js';
import type { MessageFormatter } from './format/index.js';
import type { EndpointSettings } from './settings.js';
import { Signal } from './signal.js';
import { Spool, type Mark } from './spool/spool.js';
import type { Link, LinkEvents } from './transport/link.js';
import { openLink } from './transport/open.js';

const BATCH_BYTES = 256 * 1024;
const BACKOFF_INITIAL_MS = 200;
const BACKOFF_MAX_MS = 5_000;

export interface EndpointStatus {
  name: string;
  connected: boolean;
  spooled: number;
  sent: number;
  dropped: number;
  /** Messages the receiver confirmed (TCP: written and acknowledged by the kernel; RELP: rsp 200). */
  delivered: number;
  /** Messages sent again on a new connection: their delivery was not confirmed on the old one. */
  retried: number;
  /** Bytes in the spool not yet delivered. */
  spoolBytes: number;
  /** When the oldest undelivered message was spooled (ms since epoch), or null when none is. */
  oldestUndeliveredAt: number | null;
  lastError: string | null;
}

export class Endpoint {
  readonly spool: Spool;
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
  private lastError: string | null = null;
  private everUp = false;
  private down = false;
  private persistTimer: NodeJS.Timeout | undefined;

  constructor(readonly settings: EndpointSettings, readonly formatter: MessageFormatter, stateDir: string, private readonly emit: (e: ForwardEvent) => void) {
    this.spool = new Spool(join(stateDir, 'forward', settings.name), {
      maxSize: settings.spoolMaxSize,
      onDurable: () => this.wake.fire(),
      onDrop: (n) => this.report('forward.dropped', `spool over ${settings.spoolMaxSize} bytes: dropped the ${n} oldest messages`),
      onError: (err) => {
        if (err.message !== this.lastError) this.report('forward.error', err.message);
        this.lastError = err.message;
      },
    });
  }

  start(): void {
    this.spool.open();
    this.persistTimer = setInterval(() => this.spool.persistCursor(), 500);
    this.persistTimer.unref();
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
    if (this.down) return false;
    const max = this.settings.spoolMaxSize;
    return this.spool.bytesAfter(this.sentPos) > max / 4 || this.spool.bytesAfter(this.spool.committed.pos) > (max * 3) / 4;
  }

  status(): EndpointStatus {
    return {
      name: this.settings.name,
      connected: this.connected,
      spooled: this.spool.spooled,
      sent: this.sent,
      dropped: this.spool.dropped,
      delivered: this.delivered,
      retried: this.retried,
      spoolBytes: this.spool.bytesAfter(this.spool.committed.pos),
      oldestUndeliveredAt: this.spool.oldestUndeliveredAt,
      lastError: this.lastError,
    };
  }

  /** Stops the loop; an open link gets `graceMs` to confirm what is in flight. Undelivered data stays spooled. */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    this.wake.fire();
    this.ready.fire();
    this.closed.fire();
    await this.link?.close(graceMs);
    await this.loopDone;
    clearInterval(this.persistTimer);
    this.spool.persistCursor();
    await this.spool.close();
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
          this.delivered += Math.max(0, to.seq - this.spool.committed.seq);
          this.spool.commit(to);
        },
        drain: () => this.ready.fire(),
        down: (err) => {
          downErr = err;
          this.wake.fire();
          this.ready.fire();
        },
        warn: (err) => { this.lastError = err.message; },
      };
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
      backoff = BACKOFF_INITIAL_MS;
      if (this.down || !this.everUp) this.report('forward.up', `connected to ${this.settings.host}:${this.settings.port} (${this.settings.protocol})`);
      this.everUp = true;
      this.down = false;
      try {
        await this.pump(link, () => downErr);
      } catch (e) {
        // The spool could not be read: give up this link, report, and try again after a pause.
        this.failed(classify(e, `${this.settings.name} spool`));
        await link.close(0);
        this.link = null;
        await this.closed.wait(BACKOFF_MAX_MS);
        continue;
      }
      this.link = null;
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
      if (!more) await this.ready.wait(); // backpressure: new data must not bypass it
    }
  }

  private failed(err: ForwardError): void {
    const changed = err.message !== this.lastError;
    this.lastError = err.message;
    if (!this.down) {
      this.down = true;
      this.report('forward.down', err.message);
    } else if (changed) {
      this.report('forward.error', err.message);
    }
  }

  private report(kind: ForwardEvent['kind'], message: string): void {
    this.emit({ id: newEventId(), at: new Date().toISOString(), type: 'forward', kind, endpoint: this.settings.name, message });
  }
}
