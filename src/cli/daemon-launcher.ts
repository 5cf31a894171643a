// Starting the daemon on demand (`start`, `resurrect`, `daemon`): spawn it detached, wait for its socket.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DaemonClient, DaemonUnreachableError } from '../client/client.js';
import { daemonHostname } from '../daemon/host-name.js';
import { DAEMON_NODE_FLAGS, daemonEnv } from '../daemon/node-flags.js';
import { ensureHome, type HomePaths } from '../daemon/paths.js';
import { checkHomeTree } from '../daemon/home-guard.js';

const BIN = fileURLToPath(new URL('../../../bin/bulwark', import.meta.url));

/** Connects to the daemon, starting it in the background first if it is not running (then onSpawn). */
export async function ensureDaemon(paths: HomePaths, timeoutMs = 15_000, onSpawn?: (pid: number) => void): Promise<DaemonClient> {
  try {
    return await DaemonClient.connect(paths.socket);
  } catch (err) {
    if (!(err instanceof DaemonUnreachableError)) throw err;
  }
  const daemon = spawnDaemon(paths);
  let exited: number | null = null;
  daemon.once('exit', (code) => { exited = code ?? 1; });
  if (daemon.pid !== undefined) onSpawn?.(daemon.pid);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await DaemonClient.connect(paths.socket, 1000);
    } catch (err) {
      if (!(err instanceof DaemonUnreachableError)) throw err;
      if (exited !== null) throw new DaemonUnreachableError(`the daemon exited at start (code ${exited}); see ${paths.daemonLog}${lastLogLines(paths.daemonLog)}`);
      if (Date.now() > deadline) throw new DaemonUnreachableError(`the daemon did not start within ${timeoutMs / 1000}s; see ${paths.daemonLog}${lastLogLines(paths.daemonLog)}`);
      await new Promise((r) => setTimeout(r, 10)); // a failed connect costs microseconds; the daemon boots in ~0.5 s
    }
  }
}

export function spawnDaemon(paths: HomePaths): ChildProcess {
  // The daemon checks again; checking here too reports a refused home on this terminal.
  daemonHostname(); // a bad BULWARK_HOSTNAME is told here: the detached daemon's stderr goes nowhere
  ensureHome(paths);
  checkHomeTree(paths.home);
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, BIN, 'daemon', '--foreground'], {
    detached: true,
    stdio: 'ignore',
    env: daemonEnv({ ...process.env, BULWARK_HOME: paths.home }),
  });
  child.unref();
  return child;
}

function lastLogLines(file: string): string {
  if (!existsSync(file)) return '';
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(-5);
  return lines.length ? `\n${lines.join('\n')}` : '';
}
