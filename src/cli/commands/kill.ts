// `bulwark kill`: the daemon stops every app gracefully, then exits; we wait until it is gone.
import type { BulwarkCommand } from '../command.js';
import { DaemonClient, DaemonUnreachableError } from '../../client/client.js';
import { homePaths } from '../../daemon/paths.js';
import { reportRemoteError } from '../daemon-connection.js';
import { isRunning } from '../../supervisor/proc-stat.js';

const kill: BulwarkCommand = {
  command: 'kill',
  describe: 'stop all apps, then the daemon',
  run: async (_argv, io) => {
    const paths = homePaths();
    let c: DaemonClient;
    try {
      c = await DaemonClient.connect(paths.socket);
    } catch (err) {
      if (err instanceof DaemonUnreachableError) { io.out('no daemon running'); return 0; }
      throw err;
    }
    try {
      const { pid } = await c.request<{ pid: number }>('kill');
      c.close();
      await waitForExit(pid, 120_000);
      io.out(`daemon (pid ${pid}) stopped`);
      return 0;
    } catch (err) {
      return reportRemoteError(io, err);
    }
  },
};

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // A zombie is gone: a program that launched the daemon through the API reaps it only when its loop runs.
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the daemon (pid ${pid}) is still running after ${timeoutMs / 1000}s`);
}
export default kill;
