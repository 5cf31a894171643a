// TCP/TLS syslog: no application acks exist, so a batch counts as delivered only once it was
// written AND then either (a) more than `window.bytes` were handed to the kernel after it: our send
// buffer plus the receiver's receive buffer cannot hold that much, so the receiver has read the
// batch; or (b) the connection stayed up for `window.ms` after it while the socket was flowing (our
// own writes not stuck behind a receiver that stopped reading). (a) confirms a busy stream at the
// speed it flows, (b) a quiet one. When the link drops, everything unconfirmed is resent:
// duplicates are possible. The remaining hole, for (b) only: a receiver that stops reading while
// the kernel buffers still have room, stays silent past the window, then dies without a reset,
// loses what sat in those buffers. RELP has no such hole.
import type { Socket } from 'node:net';
import { ForwardError, classify } from '../errors.js';
import { octetCounted } from '../framing.js';
import type { Framing } from '../settings.js';
import type { Mark } from '../spool/spool.js';
import type { Batch, Link, LinkEvents } from './link.js';

export class StreamLink implements Link {
  /** Batches handed to the kernel, not yet confirmed: where they end, when, and `kernelBytes` after them. */
  private readonly written: { to: Mark; at: number; bytes: number }[] = [];
  /** Wire bytes handed to the kernel on this connection. */
  private kernelBytes = 0;
  private readonly timer: NodeJS.Timeout;
  private dead = false;
  private closing: (() => void) | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly framing: Framing,
    private readonly window: { ms: number; bytes: number },
    readonly events: LinkEvents,
  ) {
    socket.on('data', () => {}); // receivers send nothing; reading keeps 'end' (an idle close) visible
    socket.on('end', () => (this.closing ? this.closing() : this.fail(new ForwardError('EFWD_CLOSED', 'the receiver closed the connection'))));
    socket.on('error', (e) => this.fail(classify(e, 'send')));
    socket.on('close', () => this.fail(new ForwardError('EFWD_CLOSED', 'connection closed')));
    socket.on('drain', () => {
      this.confirmOld(); // the one moment a busy socket is known to be flowing
      events.drain();
    });
    this.timer = setInterval(() => this.confirmOld(), Math.max(10, Math.min(250, window.ms / 4)));
    this.timer.unref();
  }

  write(batch: Batch): boolean {
    const wire = this.framing === 'newline' ? batch.data : octetCounted(batch.data, batch.ends);
    return this.socket.write(wire, (err) => {
      if (err) return;
      this.kernelBytes += wire.length;
      this.written.push({ to: batch.to, at: Date.now(), bytes: this.kernelBytes });
      if (!this.dead) this.events.handed?.(batch.to);
      this.confirmPushedThrough();
    });
  }

  async close(timeoutMs: number): Promise<void> {
    if (this.dead) return;
    // Our FIN goes after all data; a receiver that reads up to it and closes has read everything.
    const peerRead = new Promise<boolean>((resolve) => {
      this.closing = () => resolve(true);
      setTimeout(() => resolve(false), timeoutMs).unref();
      this.socket.once('close', () => resolve(false));
    });
    this.socket.end();
    if (await peerRead) {
      const last = this.written[this.written.length - 1];
      if (last && !this.dead) this.events.delivered(last.to);
    }
    this.written.length = 0;
    this.dead = true;
    clearInterval(this.timer);
    this.socket.destroy();
  }

  /** (a): batches with more than `window.bytes` written to the kernel after them. */
  private confirmPushedThrough(): void {
    const limit = this.kernelBytes - this.window.bytes;
    this.confirmWhile((w) => w.bytes < limit);
  }

  /** (b): batches older than `window.ms`, while nothing of ours waits to be written. */
  private confirmOld(): void {
    if (this.socket.writableLength > 0) return;
    const limit = Date.now() - this.window.ms;
    this.confirmWhile((w) => w.at <= limit);
  }

  /** Confirms the oldest written batches while `holds`, up to the last of them, in one call. */
  private confirmWhile(holds: (w: { at: number; bytes: number }) => boolean): void {
    if (this.dead) return;
    let last: Mark | undefined;
    while (this.written.length > 0 && holds(this.written[0]!)) last = this.written.shift()!.to;
    if (last) this.events.delivered(last);
  }

  private fail(err: ForwardError): void {
    if (this.dead || this.closing) return;
    this.dead = true;
    clearInterval(this.timer);
    this.socket.destroy();
    this.events.down(err);
  }
}
