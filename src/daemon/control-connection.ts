// One client connection of the control socket: frames in, one reply per request out, with
// backpressure both ways. Reading stops while MAX_IN_FLIGHT requests are being handled or the
// replies already written have not drained (a client that pipelines requests and never reads
// cannot make the daemon buffer them); a stream (events -f) whose reader falls MAX_STREAM_BACKLOG
// behind is disconnected rather than buffered without end.
import type { Socket } from 'node:net';
import { FrameReader, type ControlResponse } from './protocol.js';

/** Longest request line; a config for hundreds of apps is well under 1 MB. */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;
const MAX_IN_FLIGHT = 16;
/** Replies written but not yet taken by the client, beyond which reading pauses. */
const MAX_UNFLUSHED = 1024 * 1024;
const MAX_STREAM_BACKLOG = 16 * 1024 * 1024;
/** Unsent bytes a streamed answer (drained()) may queue before it waits for the client. */
const STREAM_HIGH_WATER = 64 * 1024;

export type Dispatch = (line: string, conn: ControlConnection) => Promise<void>;

export class ControlConnection {
  private readonly reader = new FrameReader(MAX_REQUEST_BYTES);
  private readonly queued: string[] = [];
  private inFlight = 0;
  private readonly closers: (() => void)[] = [];

  constructor(private readonly socket: Socket, private readonly dispatch: Dispatch) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => this.pump());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => { for (const fn of this.closers.splice(0)) fn(); });
  }

  /** A reply (or a stream message): dropped if the client is gone. */
  write(msg: ControlResponse): void {
    if (this.socket.destroyed) return;
    this.socket.write(JSON.stringify(msg) + '\n');
  }

  /** A stream message: a reader too far behind is cut off instead of buffered. */
  stream(msg: ControlResponse): void {
    if (this.socket.writableLength > MAX_STREAM_BACKLOG) { this.socket.destroy(); return; }
    this.write(msg);
  }

  /**
   * Resolves once the client has taken most of what was sent, or is gone: an answer streamed as
   * many messages (status and events of thousands) waits on it, so neither side holds it whole.
   */
  drained(): Promise<void> {
    const socket = this.socket;
    if (socket.destroyed || socket.writableLength < STREAM_HIGH_WATER) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => { socket.off('drain', done); socket.off('close', done); resolve(); };
      socket.once('drain', done);
      socket.once('close', done);
    });
  }

  onClose(fn: () => void): void {
    if (this.socket.destroyed) fn();
    else this.closers.push(fn);
  }

  /** Replies with an error and closes (no further request is read). */
  refuse(code: string, message: string): void {
    this.socket.pause();
    if (!this.socket.destroyed) this.socket.end(JSON.stringify({ id: 0, ok: false, error: { code, message } } satisfies ControlResponse) + '\n');
  }

  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    const frames = this.reader.push(chunk);
    if (frames === null) {
      this.refuse('EBADREQ', `request longer than ${MAX_REQUEST_BYTES / 1024 / 1024} MB`);
      return;
    }
    for (const f of frames) this.queued.push(f);
    this.pump();
  }

  private blocked(): boolean {
    return this.inFlight >= MAX_IN_FLIGHT || this.socket.writableLength >= MAX_UNFLUSHED;
  }

  private pump(): void {
    while (this.queued.length > 0 && !this.blocked()) {
      const line = this.queued.shift()!;
      this.inFlight++;
      void this.dispatch(line, this).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
    if (this.socket.destroyed) return;
    if (this.blocked() || this.queued.length > 0) this.socket.pause();
    else this.socket.resume();
  }
}
