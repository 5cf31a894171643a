// How commands reach the daemon: connect (or explain why not), and start it on demand for `start`.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DaemonClient, DaemonUnreachableError, RemoteError } from '../client/client.js';
import { DAEMON_NODE_FLAGS } from '../daemon/node-flags.js';
import { ensureHome, homePaths, type HomePaths } from '../daemon/paths.js';
import { EXIT, type CliIO } from './command.js';

const BIN = fileURLToPath(new URL('../../../bin/bulwark', import.meta.url));

/** Runs fn with a connected client; prints a clear message and returns 69 when the daemon is down. */
export async function withDaemon(io: CliIO, fn: (c: DaemonClient, paths: HomePaths) => Promise<number>, paths = homePaths()): Promise<number> {
  let client: DaemonClient;
  try {
    client = await DaemonClient.connect(paths.socket);
  } catch (err) {
    if (!(err instanceof DaemonUnreachableError)) throw err;
    io.err(`bulwark: the daemon is not running for ${paths.home} (${err.message.replace(/^.*\(/, '').replace(/\)$/, '')}).\n  Start apps with \`bulwark start <config|script>\` (it starts the daemon), or run \`bulwark daemon\`.`);
    return EXIT.UNREACHABLE;
  }
  try {
    return await fn(client, paths);
  } catch (err) {
    return reportRemoteError(io, err);
  } finally {
    client.close();
  }
}

export function reportRemoteError(io: CliIO, err: unknown): number {
  if (err instanceof RemoteError) {
    io.err(`bulwark: ${err.message}`);
    return err.code === 'ECONFIG' ? EXIT.CONFIG : EXIT.FAILURE;
  }
  if (err instanceof DaemonUnreachableError) {
    io.err(`bulwark: ${err.message}`);
    return EXIT.UNREACHABLE;
  }
  throw err;
}

/** Connects to the daemon, starting it in the background first if it is not running. */
export async function ensureDaemon(paths: HomePaths, timeoutMs = 15_000): Promise<DaemonClient> {
  try {
    return await DaemonClient.connect(paths.socket);
  } catch (err) {
    if (!(err instanceof DaemonUnreachableError)) throw err;
  }
  spawnDaemon(paths);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await DaemonClient.connect(paths.socket, 1000);
    } catch (err) {
      if (Date.now() > deadline) throw new DaemonUnreachableError(`the daemon did not start within ${timeoutMs / 1000}s; see ${paths.daemonLog}${lastLogLines(paths.daemonLog)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export function spawnDaemon(paths: HomePaths): number {
  ensureHome(paths);
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, BIN, 'daemon', '--foreground'], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, BULWARK_HOME: paths.home },
  });
  child.unref();
  return child.pid!;
}

function lastLogLines(file: string): string {
  if (!existsSync(file)) return '';
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(-5);
  return lines.length ? `\n${lines.join('\n')}` : '';
}
