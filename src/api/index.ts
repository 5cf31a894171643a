// The package entry: `import { connect } from 'bulwark'`. See docs/api.md.
import { DaemonClient } from '../client/client.js';
import { homePaths } from '../daemon/paths.js';
import { ensureDaemon } from '../cli/daemon-launcher.js';
import { BulwarkClient } from './bulwark-client.js';

export interface ConnectOptions {
  /** The state home; default $BULWARK_HOME, else ~/.bulwark. */
  home?: string;
  /** Start the daemon when it is not running (default true, as PM2's connect does). */
  launch?: boolean;
  /** How long to wait for the socket to answer, in ms (default 2000; 15000 when launching). */
  timeoutMs?: number;
}

/** Connects to the daemon of a state home over its control socket, starting the daemon if needed. */
export async function connect(options: ConnectOptions = {}): Promise<BulwarkClient> {
  const paths = homePaths(options.home);
  const timeoutMs = options.timeoutMs ?? 2000;
  const conn = options.launch === false
    ? await DaemonClient.connect(paths.socket, timeoutMs)
    : await ensureDaemon(paths, options.timeoutMs ?? 15_000);
  return new BulwarkClient(conn, paths, timeoutMs);
}

export { BulwarkClient, type AppDefinition, type DaemonInfo } from './bulwark-client.js';
export type { EventFilter, EventStream } from './event-stream.js';
export { DaemonUnreachableError, RemoteError } from '../client/client.js';
export { ConfigError, type ConfigIssue } from '../config/errors.js';
export type { AppStatus } from '../supervisor/supervisor.js';
export type { AppState, BulwarkEvent, LifecycleEvent, SecurityEvent, AlertEvent, ForwardEvent, BanEvent, DaemonEvent } from '../events/types.js';
export type { BanServiceStatus, PublicBan } from '../daemon/ban-service.js';
export type { HomePaths } from '../daemon/paths.js';
export { VERSION } from '../version.js';
