// The keys that make one app several processes sharing its ports (docs/cluster.md): PM2's
// multi-instance keys under their PM2 names (SPEC "Added in the second round"), and `listen`, the
// sockets the daemon opens and hands to every instance (systemd's socket activation).
import { isIP } from 'node:net';
import { z } from 'zod';
import { duration } from './units.js';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const port = z.number().int().min(1).max(65535);
/** LISTEN_FDNAMES joins names with ":", so a name cannot hold one. */
const fdName = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a socket name (A-Z a-z 0-9 . _ -, at most 64)');

export interface ListenSocket {
  port: number;
  /** An IP address; absent: every address (IPv6 and IPv4 where the host has IPv6). */
  host?: string | undefined;
  /** Its name in LISTEN_FDNAMES (default: the port). */
  name: string;
}

const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([0-9.]+)):(\d{1,5})$/;

/** `8080`, `"127.0.0.1:8080"`, `"[::1]:8080"` or `{ port, host, name }`. */
const listenEntry = z.union([
  port,
  z.string(),
  z.strictObject({ port, host: z.string().optional(), name: fdName.optional() }),
]).transform((v, ctx): ListenSocket => {
  if (typeof v === 'number') return { port: v, name: String(v) };
  if (typeof v === 'string') {
    const m = HOST_PORT.exec(v.trim());
    const p = m ? Number(m[3]) : NaN;
    if (!m || p < 1 || p > 65535) {
      ctx.addIssue({ code: 'custom', message: `expected a port or host:port, got ${JSON.stringify(v)}`, params: { hint: 'write 8080, "127.0.0.1:8080" or "[::1]:8080"' } });
      return z.NEVER;
    }
    return { port: p, host: m[1] ?? m[2]!, name: String(p) };
  }
  return { port: v.port, ...(v.host !== undefined ? { host: v.host } : {}), name: v.name ?? String(v.port) };
}).refine((s) => s.host === undefined || isIP(s.host) !== 0, { message: 'host must be an IP address (the daemon binds it before any resolver runs)' });

export const clusterKeys = {
  /** N processes, or `max` / 0 for one per CPU, -1 for one per CPU but one (PM2's meanings). */
  instances: z.union([z.number().int().min(-1), z.literal('max')]).optional(),
  /**
   * `cluster`: a Node app's instances share the ports it listens on (the daemon answers Node's
   * cluster protocol); `fork`: plain processes. Default as PM2: cluster for a Node app with
   * `instances`, else fork.
   */
  exec_mode: z.enum(['fork', 'cluster']).optional(),
  /** Sockets the daemon opens and passes to every instance (LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES). */
  listen: z.union([listenEntry, z.array(listenEntry).min(1)]).transform((v) => (Array.isArray(v) ? v : [v])).optional(),
  /** The app signals readiness with process.send('ready'), as in PM2. */
  wait_ready: z.boolean().optional(),
  /** How long to wait for readiness (ready message, listen, first HTTP pass); PM2's default 3s. */
  listen_timeout: duration.optional(),
  /** The grace between the stop request and SIGKILL: the same as stop.timeout (PM2's name). */
  kill_timeout: duration.optional(),
  /** The env variable holding the 0-based instance number (PM2: NODE_APP_INSTANCE). */
  instance_var: envName.optional(),
  /** An env variable incremented per instance (PM2's increment_var, e.g. PORT). */
  increment_var: envName.optional(),
  /** Stop by process.send('shutdown') instead of a signal. */
  shutdown_with_message: z.boolean().optional(),
};

/** PM2's default listen_timeout. */
export const DEFAULT_LISTEN_TIMEOUT_MS = 3_000;

/** The grace of a stop: `kill_timeout` where given, else `stop.timeout`. */
export function stopTimeout(app: { kill_timeout?: number | undefined; stop: { timeout: number } }): number {
  return app.kill_timeout ?? app.stop.timeout;
}
