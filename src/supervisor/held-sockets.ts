// The listening sockets the daemon holds for one app, so a port outlives every instance: a restart,
// a reload or a crash never closes it, and connections that arrive while no instance accepts wait
// in its backlog instead of being refused. Two kinds: the app's `listen:` sockets (passed to every
// instance as LISTEN_FDS) and the sockets its Node instances ask for in cluster mode (one per
// address Node's cluster primary would share). All are closed when the app stops or is deleted.
//
// The daemon never accepts on them: it binds with Node's own primitive for cluster primaries
// (net._createServerHandle, which binds without listening), and a `listen:` socket is put into the
// listening state by a one-shot helper process that calls listen(2) on it and exits before its
// event loop could ever poll it.
import { spawn } from 'node:child_process';
import { lstatSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { getSystemErrorName } from 'node:util';
import type { ListenSocket } from '../config/schema/cluster.js';

/** libuv's TCP (or pipe) wrap, as Node's cluster module passes it between processes. */
export interface NativeHandle {
  readonly fd: number;
  close(cb?: () => void): void;
  getsockname?(out: { address?: string; port?: number }): number;
}

/** What a Node cluster worker asks for when it calls listen() (Node's `queryServer` message). */
export interface ServerQuery {
  address: string | null;
  port: number;
  addressType: number | string;
  fd?: number;
  flags?: number;
  index?: number;
}

type CreateServerHandle = (address: string | null, port: number, addressType: number, fd?: number, flags?: number) => NativeHandle | number;
const createServerHandle = (net as unknown as { _createServerHandle: CreateServerHandle })._createServerHandle;

/** Calls listen(2) on fds 3.. and exits in the same tick: its event loop never accepts a connection. */
const LISTEN_HELPER = 'const net=require("net");for(let fd=3;fd<3+Number(process.argv[1]);fd++){const s=new net.Server().listen({fd,backlog:511});if(!s._handle){console.error("listen(2) failed on fd "+fd);process.exit(1)}}process.exit(0)';
const UV_ENOTSUP = -95;
const UV_EADDRINUSE = -98;

export class HeldSockets {
  /** Made at the first socket, like `data`: most apps hold none, and an empty Map is ~220 bytes. */
  private heldOrNull: Map<string, NativeHandle> | null = null;
  /** Per cluster listen: the first worker's server data (a TLS server's ticket keys), given to all. */
  private dataOrNull: Map<string, unknown> | null = null;
  /** The latest `listening()` call: calls run one after the other. */
  private opening: Promise<NativeHandle[]> = Promise.resolve([]);

  constructor(private readonly app: string) {}

  private get held(): Map<string, NativeHandle> {
    return this.heldOrNull ??= new Map();
  }

  private get data(): Map<string, unknown> {
    return this.dataOrNull ??= new Map();
  }

  /** The `listen:` sockets, bound and listening (opened on first use); rejects with why one cannot be. */
  listening(sockets: readonly ListenSocket[]): Promise<NativeHandle[]> {
    // Instances start together: the second must not get a socket before the helper made it listen.
    this.opening = this.opening.catch(() => undefined).then(() => this.open(sockets));
    return this.opening;
  }

  private async open(sockets: readonly ListenSocket[]): Promise<NativeHandle[]> {
    const fresh: NativeHandle[] = [];
    const handles = sockets.map((s) => {
      const key = `listen|${s.host ?? '*'}|${s.port}`;
      let h = this.held.get(key);
      if (h === undefined) {
        const r = bound(createServerHandle(s.host ?? null, s.port, s.host !== undefined && net.isIPv6(s.host) ? 6 : 4), s.port);
        if (typeof r === 'number') {
          for (const f of fresh) this.drop(f);
          throw new Error(`cannot bind ${describe(s.host, s.port)} for ${this.app}: ${getSystemErrorName(r)}`);
        }
        h = r;
        this.held.set(key, h);
        fresh.push(h);
      }
      return h;
    });
    if (fresh.length > 0) {
      try {
        await listenInHelper(fresh);
      } catch (err) {
        for (const f of fresh) this.drop(f);
        throw new Error(`cannot listen on the sockets of ${this.app}: ${(err as Error).message}`);
      }
    }
    return handles;
  }

  /**
   * The socket a cluster worker's listen() gets, keyed like Node's primary keys it (so instances
   * share one per address and per listen call), or a negative errno for the worker to report.
   */
  async forCluster(q: ServerQuery): Promise<NativeHandle | number> {
    if (typeof q.addressType !== 'number') return UV_ENOTSUP; // UDP: each instance binds its own
    if (typeof q.fd === 'number' && q.fd >= 0) return UV_ENOTSUP; // the daemon's fd N is not the app's
    const key = `cluster|${q.address}|${q.port}|${q.addressType}|${q.index ?? 0}`;
    const known = this.held.get(key);
    if (known !== undefined) return known;
    let r = createServerHandle(q.address, q.port, q.addressType, undefined, q.flags);
    // A unix socket file left by a daemon that was SIGKILLed: removed once nothing answers on it.
    if (r === UV_EADDRINUSE && q.port === -1 && q.address !== null && await removeStaleSocketFile(q.address)) {
      r = createServerHandle(q.address, q.port, q.addressType, undefined, q.flags);
    }
    const raced = this.held.get(key); // another instance asked meanwhile
    if (raced !== undefined) { if (typeof r !== 'number') r.close(); return raced; }
    if (typeof r !== 'number') this.held.set(key, r);
    return r;
  }

  /** The server data all workers of a cluster listen share: the first that was not null. */
  serverData(key: string, offered: unknown): unknown {
    if (!this.data.has(key) && offered !== null && offered !== undefined) this.data.set(key, offered);
    return this.data.get(key) ?? null;
  }

  /** Some instance asked for a socket in cluster mode: the app is a server (its new instances must listen). */
  get servesCluster(): boolean {
    if (this.heldOrNull === null) return false;
    for (const k of this.held.keys()) if (k.startsWith('cluster|')) return true;
    return false;
  }

  /** Closes every socket: the ports are free again (connections waiting in a backlog are reset). */
  close(): void {
    for (const h of this.heldOrNull?.values() ?? []) h.close();
    this.heldOrNull = null;
    this.dataOrNull = null;
  }

  private drop(h: NativeHandle): void {
    for (const [k, v] of this.held) if (v === h) this.held.delete(k);
    h.close();
  }
}

/**
 * libuv reports EADDRINUSE only at listen(), and a failed bind leaves the socket unbound: like
 * Node's own checkBindError, a socket not on its port is that error, found before anyone listens.
 */
function bound(r: NativeHandle | number, port: number): NativeHandle | number {
  if (typeof r === 'number') return r;
  const out: { port?: number } = {};
  if (r.getsockname?.(out) === 0 && out.port === port) return r;
  r.close();
  return UV_EADDRINUSE;
}

function describe(host: string | undefined, port: number): string {
  return host === undefined ? `port ${port}` : net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

function listenInHelper(handles: NativeHandle[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', LISTEN_HELPER, String(handles.length)], {
      stdio: ['ignore', 'ignore', 'pipe', ...handles.map((h) => h.fd)],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(stderr.trim().split('\n').pop() ?? `helper exited ${code}`))));
  });
}

async function removeStaleSocketFile(path: string): Promise<boolean> {
  try {
    if (!lstatSync(path).isSocket()) return false;
  } catch {
    return false;
  }
  const refused = await new Promise<boolean>((resolve) => {
    const probe = net.connect(path);
    probe.once('connect', () => { probe.destroy(); resolve(false); });
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
  if (!refused) return false;
  try { unlinkSync(path); return true; } catch { return false; }
}
