// The CLI's only way into the daemon: one request, one response over the unix socket.
import { connect, type Socket } from 'node:net';
import { FrameReader, PROTOCOL_VERSION, type ControlResponse } from '../daemon/protocol.js';
import { checkSocket } from '../daemon/home-guard.js';

export class DaemonUnreachableError extends Error {
  readonly code = 'EUNREACHABLE';
}

export class RemoteError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export class DaemonClient {
  private nextId = 1;
  private readonly reader = new FrameReader();
  /** Set once the connection cannot serve requests any more; later requests fail with it at once. */
  private failed: Error | null = null;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; onData?(d: unknown): void }>();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => { /* 'close' follows and fails what is pending */ });
    socket.on('close', () => this.fail(new DaemonUnreachableError('the daemon closed the connection')));
  }

  /** Rejects with UnsafeHomeError (code EUNSAFEHOME) before connecting to a socket or home someone else controls. */
  static connect(socketPath: string, timeoutMs = 2000): Promise<DaemonClient> {
    return new Promise((resolve, reject) => {
      checkSocket(socketPath);
      const s = connect(socketPath);
      const timer = setTimeout(() => { s.destroy(); reject(new DaemonUnreachableError(`no answer on ${socketPath}`)); }, timeoutMs);
      s.once('connect', () => { clearTimeout(timer); resolve(new DaemonClient(s)); });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new DaemonUnreachableError(`cannot reach the daemon at ${socketPath} (${err.code ?? err.message})`));
      });
    });
  }

  request<T = unknown>(cmd: string, args?: Record<string, unknown>, onData?: (d: unknown) => void): Promise<T> {
    const id = this.nextId++;
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onData });
      this.socket.write(JSON.stringify({ v: PROTOCOL_VERSION, id, cmd, args }) + '\n');
    });
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    for (const frame of this.reader.push(chunk) ?? []) {
      const msg = JSON.parse(frame) as ControlResponse;
      if (msg.id === 0 && 'error' in msg) {
        // About the connection itself (EBUSY, a request the daemon could not read): fails every request on it.
        this.fail(new RemoteError(msg.error.code, msg.error.message));
        continue;
      }
      const p = this.pending.get(msg.id);
      if (!p) continue;
      if ('data' in msg) { p.onData?.(msg.data); continue; }
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new RemoteError(msg.error.code, msg.error.message));
    }
  }

  private fail(err: Error): void {
    this.failed ??= err;
    for (const p of this.pending.values()) p.reject(this.failed);
    this.pending.clear();
  }
}
