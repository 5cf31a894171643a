// How commands reach the daemon: connect, or explain why not (starting it is daemon-launcher.ts).
// Kept small: `status --json` loads little more than this.
import { DaemonClient, DaemonUnreachableError, RemoteError } from '../client/client.js';
import { homePaths, type HomePaths } from '../daemon/paths.js';
import { EXIT, type CliIO } from './command.js';

/** Runs fn with a connected client; prints a clear message and returns 69 when the daemon is down. */
export async function withDaemon(io: CliIO, fn: (c: DaemonClient, paths: HomePaths) => Promise<number>, paths = homePaths()): Promise<number> {
  let client: DaemonClient;
  try {
    client = await DaemonClient.connect(paths.socket);
  } catch (err) {
    if (!(err instanceof DaemonUnreachableError)) throw err;
    io.err(`bulwark: the daemon is not running for ${paths.home} (${err.message.replace(/^.*\(/, '').replace(/\)$/, '')}).\n  Start apps with \`bulwark start <config|script>\` (it starts the daemon), or bring back the apps you saved with \`bulwark resurrect\`.`);
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
