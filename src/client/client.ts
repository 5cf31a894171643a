// The CLI's only way into the daemon: one request, one response over the unix socket.
import { connect, type Socket } from 'node:net';
import { PROTOCOL_VERSION, type ControlResponse } from '../daemon/protocol.js';

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
  private buffered = '';
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; onData?(d: unknown): void }>();

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('close', () => {
      for (const p of this.pending.values()) p.reject(new DaemonUnreachableError('the daemon closed the connection'));
      this.pending.clear();
    });
  }

  static connect(socketPath: string, timeoutMs = 2000): Promise<DaemonClient> {
    return new Promise((resolve, reject) => {
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
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onData });
      this.socket.write(JSON.stringify({ v: PROTOCOL_VERSION, id, cmd, args }) + '\n');
    });
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const msg = JSON.parse(this.buffered.slice(0, nl)) as ControlResponse;
      this.buffered = this.buffered.slice(nl + 1);
      const p = this.pending.get(msg.id);
      if (!p) continue;
      if ('data' in msg) { p.onData?.(msg.data); continue; }
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new RemoteError(msg.error.code, msg.error.message));
    }
  }
}
