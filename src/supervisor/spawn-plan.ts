// What one run is spawned with: the program and its argv, the environment (the app's, the
// instance's number, Node's cluster worker id), and the extra fds: the `listen:` sockets from fd 3
// (systemd's socket activation) and the IPC channel after them when the run needs one.
//
// LISTEN_PID must be the app's own pid, which no parent knows before the fork. A constant /bin/sh
// script sets it and execs the app in the same process (same pid): the app's argv reaches it as
// the script's positional parameters, so nothing the user wrote is ever parsed by a shell. Where
// util-linux's setpriv exists, it execs the shim with a parent-death signal (SIGTERM): when the
// daemon dies, even by SIGKILL, the instances holding its sockets stop at once instead of keeping
// the port until the next daemon ends them (Node's cluster workers exit with their IPC channel).
import type { StdioOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AppConfig } from '../config/schema/index.js';
import { channelEnv } from './app-channel.js';
import { instanceEnv, OWN_VARIABLES, type PortSharing } from './cluster-mode.js';
import type { NativeHandle } from './held-sockets.js';
import { runAs } from './run-as.js';
import type { SpawnCommand } from './spawn-command.js';

export const LISTEN_SHIM = ['/bin/sh', '-c', 'LISTEN_PID=$$; export LISTEN_PID; exec "$@"', 'bulwark-listen'] as const;
const SETPRIV = '/usr/bin/setpriv';
const OWN: ReadonlySet<string> = new Set(OWN_VARIABLES);
const DIE_WITH_DAEMON = existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'SIGTERM', '--'] as const : [];

export interface SpawnPlan {
  file: string;
  args: string[];
  env: Record<string, string>;
  stdio: StdioOptions;
  /** The app's user/group (`user`, `group`); undefined: the daemon's. */
  uid?: number | undefined;
  gid?: number | undefined;
  /**
   * The child's IPC channel (heartbeats, readiness, shutdown message, cluster protocol): at fd
   * `channelFd`, Node's own in cluster mode ('node'), else a socketpair the daemon reads as lines
   * (app-channel.ts); null: none.
   */
  channel: 'node' | 'lines' | null;
  channelFd: number;
}

export interface PlanInput {
  cfg: AppConfig;
  cmd: SpawnCommand;
  index: number;
  sharing: PortSharing;
  /** The `listen:` sockets, in the order of the config (sharing `listen-fds`). */
  listening?: readonly NativeHandle[];
  /** NODE_UNIQUE_ID: the cluster worker's id (sharing `cluster`). */
  workerId?: number;
}

/** Whether a run of this app needs the IPC channel. */
export function needsIpc(cfg: AppConfig, sharing: PortSharing): boolean {
  return sharing === 'cluster' || cfg.health.heartbeat !== undefined || cfg.wait_ready === true || cfg.shutdown_with_message === true;
}

/** Throws RunAsError where the app's user/group cannot be had (run-as.ts). */
export function spawnPlan({ cfg, cmd, index, sharing, listening = [], workerId }: PlanInput): SpawnPlan {
  // The user and environment as any app gets them (run-as.ts), then the instance's own variables.
  const as = runAs(cfg, cmd.env);
  // One pass, no entries array and no delete (which leaves the object slow for spawn's own copy).
  const env: Record<string, string> = {};
  for (const k in as.env) {
    const v = as.env[k];
    if (v !== undefined && !OWN.has(k)) env[k] = v;
  }
  Object.assign(env, instanceEnv(cfg, index, env));
  const ipc = needsIpc(cfg, sharing);
  const fds = sharing === 'listen-fds' ? listening.map((h) => h.fd) : [];
  if (sharing === 'cluster') env.NODE_UNIQUE_ID = String(workerId ?? index + 1);
  let file = cmd.file;
  let args = cmd.args;
  if (sharing === 'listen-fds') {
    env.LISTEN_FDS = String(fds.length);
    env.LISTEN_FDNAMES = (cfg.listen ?? []).map((s) => s.name).join(':');
    [file, ...args] = [...DIE_WITH_DAEMON, ...LISTEN_SHIM, cmd.file, ...cmd.args];
  }
  const channelFd = 3 + fds.length;
  const channel = !ipc ? null : sharing === 'cluster' ? 'node' : 'lines';
  if (channel === 'lines') Object.assign(env, channelEnv(channelFd));
  const channelStdio = channel === 'node' ? ['ipc' as const] : channel === 'lines' ? ['pipe' as const] : [];
  return { file, args, env, uid: as.uid, gid: as.gid, channel, channelFd, stdio: ['ignore', 'pipe', 'pipe', ...fds, ...channelStdio] };
}
