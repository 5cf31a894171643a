// `bulwark daemon [--foreground]`: in the foreground for systemd; otherwise started in the
// background, returning once its socket answers.
import type { BulwarkCommand } from '../command.js';
import { homePaths } from '../../daemon/paths.js';
import { reportRemoteError } from '../daemon-connection.js';
import { ensureDaemon } from '../daemon-launcher.js';

interface Args { foreground?: boolean }

const daemon: BulwarkCommand<Args> = {
  command: 'daemon',
  describe: 'run the daemon (systemd uses --foreground)',
  builder: (y) => y.option('foreground', { type: 'boolean', describe: 'stay in this process (logs also go to stdout)' }),
  run: async (argv, io) => {
    const paths = homePaths();
    if (argv.foreground) {
      const { runDaemon } = await import('../../daemon/daemon.js');
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
