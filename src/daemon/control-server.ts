// Serves the control protocol on the unix socket. Only the socket's owner can connect: the socket is
// 0600 inside a 0700 home, and there is no TCP listener at all.
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { ControlError, PROTOCOL_VERSION, type ControlRequest, type ControlResponse } from './protocol.js';

/** For streaming commands: push data to the client until it goes away. */
export interface StreamContext {
  send(data: unknown): void;
  onClose(fn: () => void): void;
  /** Keeps the request open after the handler returns (the stream ends when the client closes). */
  keepOpen(): void;
}

export type Handler = (args: Record<string, unknown>, ctx: StreamContext) => unknown | Promise<unknown>;

const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

export class ControlServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly handlers: Map<string, Handler>, private readonly onError: (err: Error) => void) {
    this.server = createServer((s) => this.serve(s));
  }

  listen(path: string): Promise<void> {
    try { unlinkSync(path); } catch { /* not there */ }
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(path, () => {
        chmodSync(path, 0o600);
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /**
   * Runs one command as if a client had sent it (the dashboard's actions): the same handler,
   * without a stream. Rejects with the handler's error.
   */
  async invoke(cmd: string, args: Record<string, unknown>): Promise<unknown> {
    const handler = this.handlers.get(cmd);
    if (!handler) throw new ControlError('EBADREQ', `unknown command ${JSON.stringify(cmd)}`);
    return handler(args, { send: () => {}, onClose: () => {}, keepOpen: () => {} });
  }

  has(cmd: string): boolean {
    return this.handlers.has(cmd);
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    let buffered = '';
    const closers: (() => void)[] = [];
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.length > MAX_REQUEST_BYTES) { socket.destroy(); return; }
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim()) void this.dispatch(line, socket, closers);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      for (const fn of closers) fn();
    });
  }

  private async dispatch(line: string, socket: Socket, closers: (() => void)[]): Promise<void> {
    let req: ControlRequest;
    try {
      req = JSON.parse(line) as ControlRequest;
    } catch {
      write(socket, { id: 0, ok: false, error: { code: 'EBADREQ', message: 'request is not JSON' } });
      return;
    }
    const id = typeof req.id === 'number' ? req.id : 0;
    if (req.v !== PROTOCOL_VERSION) {
      write(socket, { id, ok: false, error: { code: 'EVERSION', message: `protocol version ${JSON.stringify(req.v)} is not ${PROTOCOL_VERSION}; restart the daemon (bulwark kill) after upgrading` } });
      return;
    }
    const handler = this.handlers.get(req.cmd);
    if (!handler) {
      write(socket, { id, ok: false, error: { code: 'EBADREQ', message: `unknown command ${JSON.stringify(req.cmd)}` } });
      return;
    }
    let open = false;
    const ctx: StreamContext = {
      send: (data) => write(socket, { id, data }),
      onClose: (fn) => closers.push(fn),
      keepOpen: () => { open = true; },
    };
    try {
      const result = await handler(req.args ?? {}, ctx);
      if (!open) write(socket, { id, ok: true, result });
    } catch (err) {
      const e = err as Error & { code?: string };
      const code = err instanceof ControlError || typeof e.code === 'string' ? String(e.code) : 'EINTERNAL';
      if (code === 'EINTERNAL') this.onError(e);
      write(socket, { id, ok: false, error: { code, message: e.message } });
    }
  }
}

function write(socket: Socket, msg: ControlResponse): void {
  if (!socket.destroyed) socket.write(JSON.stringify(msg) + '\n');
}
