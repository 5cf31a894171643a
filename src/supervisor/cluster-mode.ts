// How many instances an app runs, how they share its ports, and what each one's environment adds
// (PM2's meanings: docs/cluster.md). Two ways to share a port, both through sockets the daemon
// holds, so they outlive every instance: `listen` (any language, systemd's socket activation) and
// cluster mode (a Node app's own listen() calls answered by the daemon as Node's cluster primary).
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import type { AppConfig } from '../config/schema/index.js';
import type { SpawnCommand } from './spawn-command.js';

/** How an app's instances get their ports. */
export type PortSharing =
  /** Node's cluster protocol: the daemon is the primary; the app's listen() gets the daemon's socket. */
  | 'cluster'
  /** `listen:` sockets passed as LISTEN_FDS from fd 3. */
  | 'listen-fds'
  /** None: each process binds its own (one at a time per port). */
  | 'none';

/** `instances` resolved: N, or per CPU for `max`/0, CPUs - 1 for -1 (at least 1), as PM2 counts. */
export function instanceCount(app: Pick<AppConfig, 'instances'>, cpus = availableParallelism()): number {
  const n = app.instances;
  if (n === undefined) return 1;
  if (n === 'max' || n === 0) return cpus;
  return Math.max(1, n < 0 ? cpus + n : n);
}

/** The program is Node (the daemon's own, or a `node` binary such as an nvm one). */
export function isNodeCommand(cmd: Pick<SpawnCommand, 'file'>): boolean {
  return cmd.file === process.execPath || /^node(js)?$/.test(basename(cmd.file));
}

/**
 * `listen` wins (the app asked for the fds); else cluster mode for a Node app with `exec_mode:
 * cluster`, or with `instances` and no exec_mode (PM2's default); else nothing is shared.
 */
export function portSharing(app: AppConfig, cmd: Pick<SpawnCommand, 'file'>): PortSharing {
  if (app.listen !== undefined) return 'listen-fds';
  const cluster = app.exec_mode === 'cluster' || (app.exec_mode === undefined && app.instances !== undefined);
  return cluster && isNodeCommand(cmd) ? 'cluster' : 'none';
}

/** Why an app that asked for cluster mode runs plain processes instead (null when it does not). */
export function clusterRefusal(app: AppConfig, cmd: Pick<SpawnCommand, 'file'>): string | null {
  if (app.exec_mode !== 'cluster' || app.listen !== undefined || isNodeCommand(cmd)) return null;
  return `exec_mode cluster needs a Node app (${basename(cmd.file)} runs this one): its instances are separate processes; give them one port with listen:`;
}

/** Variables bulwark sets for itself in a child; never inherited from the caller or the daemon. */
export const OWN_VARIABLES = ['LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES', 'NODE_UNIQUE_ID', 'NODE_CHANNEL_FD', 'NODE_CHANNEL_SERIALIZATION_MODE'] as const;

/**
 * What an instance adds to the app's environment (`env` is the merged one it would get): its
 * number in `instance_var` (NODE_APP_INSTANCE) for apps with instances, and `increment_var`
 * raised by the number (PORT 3000 -> 3001 for instance 1).
 */
export function instanceEnv(app: AppConfig, index: number, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  if (app.instances !== undefined || app.instance_var !== undefined || app.exec_mode !== undefined) {
    out[app.instance_var ?? 'NODE_APP_INSTANCE'] = String(index);
  }
  if (app.increment_var !== undefined) {
    const base = Number(env[app.increment_var]);
    out[app.increment_var] = String((Number.isFinite(base) ? base : 0) + index);
  }
  return out;
}
