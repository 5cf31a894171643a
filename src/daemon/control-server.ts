// Serves the control protocol on the unix socket. Only the socket's owner can connect: the socket is
// 0600 inside a 0700 home, and there is no TCP listener at all. Even so nothing from the socket is
// trusted: every request is checked against its schema (requests.ts) before a handler sees it, every
// malformed one gets an error reply, and connections are capped and read with backpressure.
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { z } from 'zod';
import { ControlConnection } from './control-connection.js';
import { ControlError, PROTOCOL_VERSION } from './protocol.js';
import { describeIssues, REQUEST_ARGS, requestEnvelope, type Command } from './requests.js';

/** For streaming commands: push data to the client until it goes away. */
export interface StreamContext {
  send(data: unknown): void;
  onClose(fn: () => void): void;
  /** Keeps the request open after the handler returns (the stream ends when the client closes). */
  keepOpen(): void;
  /**
   * Resolves once the client has taken most of what was sent, or is gone: a long answer sent as
   * data messages (status and events for thousands of rows) waits on it between messages, so
   * neither side holds the whole answer in memory.
   */
  drained(): Promise<void>;
}

/** Sends each item as a data message, waiting for the client whenever it falls behind; the count. */
export async function streamAll(ctx: StreamContext, items: Iterable<unknown>): Promise<number> {
  let n = 0;
  for (const item of items) {
    ctx.send(item);
    n++;
    await ctx.drained();
  }
  return n;
}

/** Gets the request's args as its schema in requests.ts parsed them. */
export type Handler = (args: Record<string, unknown>, ctx: StreamContext) => unknown | Promise<unknown>;

/** Open connections beyond this are answered EBUSY and closed (each costs a file descriptor). */
export const MAX_CONNECTIONS = 256;

export class ControlServer {
  private readonly server: Server;
  private readonly connections = new Set<ControlConnection>();

  constructor(private readonly handlers: Map<string, Handler>, private readonly onError: (err: Error) => void) {
    const unchecked = [...handlers.keys()].filter((cmd) => !(cmd in REQUEST_ARGS));
    if (unchecked.length > 0) throw new Error(`control commands without a request schema (src/daemon/requests.ts): ${unchecked.join(', ')}`);
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
    // Checked like a request from the socket: the dashboard is reached over the network.
    const parsed = (REQUEST_ARGS[cmd as Command] as z.ZodType).safeParse(args);
    if (!parsed.success) throw new ControlError('EBADREQ', `${cmd}: ${describeIssues(parsed.error)}`);
    return handler(parsed.data as Record<string, unknown>, { send: () => {}, onClose: () => {}, keepOpen: () => {}, drained: () => Promise.resolve() });
  }

  has(cmd: string): boolean {
    return this.handlers.has(cmd);
  }

  close(): Promise<void> {
    for (const c of this.connections) c.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    const conn = new ControlConnection(socket, (line, c) => this.dispatch(line, c));
    if (this.connections.size >= MAX_CONNECTIONS) {
      conn.refuse('EBUSY', `the daemon already has ${MAX_CONNECTIONS} control connections open (is a script leaking them?); try again`);
      return;
    }
    this.connections.add(conn);
    conn.onClose(() => this.connections.delete(conn));
  }

  /** Exactly one reply per request line (streams: data messages until the client closes). */
  private async dispatch(line: string, conn: ControlConnection): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      conn.write({ id: 0, ok: false, error: { code: 'EBADREQ', message: 'request is not JSON' } });
      return;
    }
    const envelope = requestEnvelope.safeParse(raw);
    const rawId = (raw as { id?: unknown } | null)?.id;
    const id = envelope.success ? envelope.data.id : (typeof rawId === 'number' && Number.isSafeInteger(rawId) ? rawId : 0);
    if (!envelope.success) {
      conn.write({ id, ok: false, error: { code: 'EBADREQ', message: `a request is {v, id, cmd, args}: ${describeIssues(envelope.error)}` } });
      return;
    }
    const req = envelope.data;
    if (req.v !== PROTOCOL_VERSION) {
      conn.write({ id, ok: false, error: { code: 'EVERSION', message: `protocol version ${req.v} is not ${PROTOCOL_VERSION}; restart the daemon (bulwark kill) after upgrading` } });
      return;
    }
    const handler = this.handlers.get(req.cmd);
    if (!handler) {
      conn.write({ id, ok: false, error: { code: 'EBADREQ', message: `unknown command ${JSON.stringify(req.cmd)}` } });
      return;
    }
    const parsed = (REQUEST_ARGS[req.cmd as Command] as z.ZodType).safeParse(req.args ?? {});
    if (!parsed.success) {
      const code = req.cmd === 'apply' ? 'ECONFIG' : 'EBADREQ';
      conn.write({ id, ok: false, error: { code, message: `${req.cmd}: ${describeIssues(parsed.error)}` } });
      return;
    }
    let open = false;
    const ctx: StreamContext = {
      send: (data) => conn.stream({ id, data }),
      onClose: (fn) => conn.onClose(fn),
      keepOpen: () => { open = true; },
      drained: () => conn.drained(),
    };
    try {
      const result = await handler(parsed.data as Record<string, unknown>, ctx);
      if (!open) conn.write({ id, ok: true, result });
    } catch (err) {
      const e = (err instanceof Error ? err : new Error(String(err))) as Error & { code?: unknown };
      const code = err instanceof ControlError || typeof e.code === 'string' ? String(e.code) : 'EINTERNAL';
      if (code === 'EINTERNAL') this.onError(e);
      conn.write({ id, ok: false, error: { code, message: e.message } });
    }
  }
}
