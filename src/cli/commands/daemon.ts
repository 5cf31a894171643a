// `bulwark daemon [--foreground]`: in the foreground for systemd; otherwise started in the
// background, returning once its socket answers.
import type { BulwarkCommand } from '../command.js';
import { homePaths } from '../../daemon/paths.js';
import { reportRemoteError } from '../daemon-connection.js';
import { AWAIT_GO, ensureDaemon } from '../daemon-launcher.js';

export { AWAIT_GO };

interface Args { foreground?: boolean; awaitGo?: boolean }

const daemon: BulwarkCommand<Args> = {
  command: 'daemon',
  describe: 'run the daemon (systemd uses --foreground)',
  builder: (y) => y
    .option('foreground', { type: 'boolean', describe: 'stay in this process (logs also go to stdout)' })
    .option(AWAIT_GO.slice(2), { type: 'boolean', hidden: true }), // bootDaemonEarly's daemon
  run: async (argv, io) => {
    const paths = homePaths();
    if (argv.foreground) {
      const { runDaemon } = await import('../../daemon/daemon.js');
      if (argv.awaitGo === true && !(await toldToGo())) return 0;
      try {
        await runDaemon(paths, true);
      } catch (err) {
        io.err(`bulwark daemon: ${(err as Error).message}`);
        return 1;
      }
      return new Promise<number>(() => { /* runs until a signal or `bulwark kill` exits the process */ });
    }
    try {
      const c = await ensureDaemon(paths);
      const info = await c.request<{ pid: number }>('ping');
      c.close();
      io.out(`daemon running (pid ${info.pid}, home ${paths.home})`);
      return 0;
    } catch (err) {
      return reportRemoteError(io, err);
    }
  },
};
export default daemon;

/**
 * A daemon booted early (daemon-launcher.ts) has loaded its code: true once its stdin says "go",
 * false when stdin ends first (the CLI needed no daemon, or exited).
 */
function toldToGo(): Promise<boolean> {
  return new Promise((resolve) => {
    let said = '';
    const { stdin } = process;
    const answer = (go: boolean): void => {
      stdin.removeAllListeners();
      stdin.destroy();
      resolve(go);
    };
    stdin.setEncoding('latin1');
    stdin.on('data', (chunk: string) => { said += chunk; if (said.includes('go\n')) answer(true); });
    stdin.on('end', () => answer(false));
    stdin.on('error', () => answer(false));
  });
}
