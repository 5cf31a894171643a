// The daemon's side of Node's cluster protocol for one instance (a child spawned with
// NODE_UNIQUE_ID and an IPC channel, which Node turns into a cluster worker before the app's code
// runs). When the app calls listen(), Node asks its primary for the socket (`queryServer`); the
// daemon answers with a socket it holds for the app (held-sockets.ts), so every instance accepts
// on the same port with the app's code unchanged, the way Node's own primary shares a handle
// (SCHED_NONE: the kernel spreads connections; no connection passes through the daemon).
//
// Stopping asks first (`disconnect`, as cluster.Worker#disconnect does): the worker closes its
// servers, so it accepts nothing new while what it accepted completes, and then closes the channel.
// No socket is sent after that request: a worker that reads the request and a socket in one chunk
// disconnects first and then fails Node's internal assertion acknowledging the socket (exit code 1).
// A request made while a listen is being answered waits for that answer to go first.
// Messages are Node's internal ones (cmd NODE_CLUSTER), stable since Node 0.12.
import type { ChildProcess } from 'node:child_process';
import type { HeldSockets, NativeHandle, ServerQuery } from './held-sockets.js';

interface ClusterMessage extends Partial<ServerQuery> {
  cmd?: unknown;
  act?: unknown;
  seq?: number;
  data?: unknown;
}

export interface ClusterEvents {
  /** The worker's server is listening (Node's `listening` act): the instance is ready. */
  listening(address: string): void;
  problem(message: string): void;
}

export class ClusterPrimary {
  private seq = 0;
  /** listen() queries being answered (the daemon opening or finding the socket). */
  private answering = 0;
  /** none; asked: stop requested while a listen was being answered; sent: the worker was asked. */
  private disconnecting: 'none' | 'asked' | 'sent' = 'none';
  /** The worker listened at least once. */
  listened = false;
  /** The channel closed (the worker finished a disconnect, or exited). */
  readonly disconnected: Promise<void>;

  constructor(private readonly child: ChildProcess, private readonly sockets: HeldSockets, private readonly events: ClusterEvents) {
    this.disconnected = new Promise((resolve) => child.once('disconnect', resolve));
    child.on('internalMessage', (m: ClusterMessage) => {
      if (typeof m !== 'object' || m === null || m.cmd !== 'NODE_CLUSTER') return;
      if (m.act === 'queryServer') void this.queryServer(m);
      else if (m.act === 'listening') this.onListening(m);
      else if (m.act === 'exitedAfterDisconnect') this.send({ ack: m.seq });
      // `online` and `close` need no answer: the daemon keeps its sockets until the app stops.
    });
  }

  /** Asks the worker to close its servers and then its channel (after any listen being answered); false when the channel is gone. */
  disconnect(): boolean {
    if (!this.child.connected) return false;
    if (this.disconnecting === 'none') {
      this.disconnecting = 'asked';
      if (this.answering === 0) this.sendDisconnect();
    }
    return true;
  }

  private sendDisconnect(): void {
    this.disconnecting = 'sent';
    this.send({ act: 'disconnect' });
  }

  private async queryServer(m: ClusterMessage): Promise<void> {
    const query: ServerQuery = {
      address: typeof m.address === 'string' ? m.address : null,
      port: typeof m.port === 'number' ? m.port : 0,
      addressType: typeof m.addressType === 'number' || typeof m.addressType === 'string' ? m.addressType : 4,
      ...(typeof m.fd === 'number' ? { fd: m.fd } : {}),
      ...(typeof m.flags === 'number' ? { flags: m.flags } : {}),
      ...(typeof m.index === 'number' ? { index: m.index } : {}),
    };
    let handle: NativeHandle | number;
    this.answering++;
    try {
      handle = await this.sockets.forCluster(query);
    } catch (err) {
      this.events.problem(`cannot open a socket for a cluster listen: ${(err as Error).message}`);
      handle = -22; // EINVAL: the worker's listen() fails with an error it can report
    } finally {
      this.answering--;
    }
    // Asked to disconnect before this query came: no answer (the worker exits when its channel closes).
    if (this.disconnecting === 'sent') return;
    const key = `${query.address}:${query.port}:${query.addressType}:${query.index ?? 0}`;
    // TLS servers share session-ticket keys through `data` (the first worker's, as Node's primary does).
    const data = this.sockets.serverData(key, m.data ?? null);
    if (typeof handle === 'number') this.send({ ack: m.seq, errno: handle, key, data });
    else this.send({ ack: m.seq, errno: 0, key, data }, handle);
    if (this.disconnecting === 'asked' && this.answering === 0) this.sendDisconnect();
  }

  private onListening(m: ClusterMessage): void {
    this.listened = true;
    const where = m.port === -1 || typeof m.address === 'string' && m.port === undefined ? String(m.address) : `${m.address ?? '*'}:${String(m.port)}`;
    this.events.listening(where);
  }

  private send(message: Record<string, unknown>, handle?: NativeHandle): boolean {
    if (!this.child.connected) return false;
    const msg = { cmd: 'NODE_CLUSTER', ...message, seq: this.seq++ };
    try {
      // A net.Native handle stays open in the daemon after the send (Node's primary relies on that too).
      (this.child.send as (m: unknown, h: unknown, cb: (e: Error | null) => void) => boolean)(msg, handle, () => undefined);
      return true;
    } catch {
      return false; // the channel closed meanwhile
    }
  }
}
