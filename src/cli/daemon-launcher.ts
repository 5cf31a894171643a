// Starting the daemon on demand (`start`, `resurrect`, `daemon`): spawn it detached, wait for its socket.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
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
  if (daemon.pid !== undefined) onSpawn?.(daemon.pid);
  return connectWhenUp(paths, daemon, timeoutMs);
}

/** The flag of a daemon booted early: it loads its code, then waits for "go" on its stdin. */
export const AWAIT_GO = '--await-go';

/**
 * A daemon booted before the CLI knows it needs one (`start`, while it reads and checks the file):
 * it loads its code, the slow part of its start (~0.3 s), then waits on its stdin. go() tells it
 * to start as `daemon --foreground` does and connects to it; cancel(), or this CLI's exit, closes
 * its stdin and it exits having touched nothing (no home, no lock, no event).
 */
export interface EarlyDaemon {
  go(): Promise<DaemonClient>;
  cancel(): void;
}

/** The running daemon (connected now), or one booting early; never throws (go() then reports). */
export async function bootDaemonEarly(paths: HomePaths, timeoutMs = 15_000): Promise<EarlyDaemon> {
  try {
    const client = await DaemonClient.connect(paths.socket);
    return { go: () => Promise.resolve(client), cancel: () => client.close() };
  } catch (err) {
    // Anything but "not running" (a home that is not a directory, say) is for go() to report, in turn.
    if (!(err instanceof DaemonUnreachableError)) return { go: () => ensureDaemon(paths, timeoutMs), cancel: () => undefined };
  }
  const daemon = launch(paths, [AWAIT_GO], ['pipe', 'ignore', 'ignore']);
  const stdin = daemon.stdin as Socket;
  stdin.unref(); // the CLI may exit without a word: the daemon then reads the end of its stdin
  stdin.on('error', () => undefined); // it exited early (EPIPE): connectWhenUp says so
  return {
    go: () => {
      try {
        checkBeforeStart(paths);
      } catch (err) {
        stdin.destroy();
        return Promise.reject(err);
      }
      stdin.end('go\n');
      return connectWhenUp(paths, daemon, timeoutMs);
    },
    cancel: () => stdin.destroy(),
  };
}

/** Waits until the daemon just spawned answers on its socket, or says why it never will. */
async function connectWhenUp(paths: HomePaths, daemon: ChildProcess, timeoutMs: number): Promise<DaemonClient> {
  let exited: number | null = daemon.exitCode;
  daemon.once('exit', (code) => { exited = code ?? 1; });
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

/** What the daemon checks at its start, checked here first: its stderr goes nowhere, this terminal is read. */
function checkBeforeStart(paths: HomePaths): void {
  daemonHostname(); // a bad BULWARK_HOSTNAME
  ensureHome(paths);
  checkHomeTree(paths.home); // a refused home
}

function spawnDaemon(paths: HomePaths): ChildProcess {
  checkBeforeStart(paths);
  return launch(paths, [], 'ignore');
}

/** `bulwark daemon --foreground [flags]`, detached, with the daemon's V8 flags and malloc settings. */
function launch(paths: HomePaths, flags: string[], stdio: StdioOptions): ChildProcess {
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, BIN, 'daemon', '--foreground', ...flags], {
    detached: true,
    stdio,
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
