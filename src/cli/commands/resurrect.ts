import type { BulwarkCommand } from '../command.js';
import { homePaths } from '../../daemon/paths.js';
import { reportRemoteError } from '../daemon-connection.js';
import { ensureDaemon } from '../daemon-launcher.js';

const resurrect: BulwarkCommand = {
  command: 'resurrect',
  describe: 'start the saved apps that are not running (starts the daemon if needed)',
  run: async (_argv, io) => {
    try {
      const c = await ensureDaemon(homePaths());
      try {
        const r = await c.request<{ started: string[] }>('resurrect');
        io.out(r.started.length ? `started ${r.started.join(', ')}` : 'every saved app is already running');
        return 0;
      } finally {
        c.close();
      }
    } catch (err) {
      return reportRemoteError(io, err);
    }
  },
};
export default resurrect;
