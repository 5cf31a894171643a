// `bulwark resurrect`: starts the saved apps that are not running (PM2's `resurrect`), starting the
// daemon first if needed; a daemon it starts brings the saved table back itself, and says so. Like
// `start`, it answers once each app survived its minUptime or failed, with their rows.
import type { BulwarkCommand } from '../command.js';
import { homePaths } from '../../daemon/paths.js';
import { settleAndReport } from '../apply-config.js';
import { reportRemoteError } from '../daemon-connection.js';
import { ensureDaemon } from '../daemon-launcher.js';

const resurrect: BulwarkCommand = {
  command: 'resurrect',
  describe: 'start the saved apps that are not running (starts the daemon if needed)',
  run: async (_argv, io) => {
    try {
      let spawned: number | null = null;
      const c = await ensureDaemon(homePaths(), undefined, (pid) => { spawned = pid; });
      try {
        const r = await c.request<{ started: string[]; restored?: string[] }>('resurrect');
        const restored = spawned === null ? [] : r.restored ?? [];
        if (spawned !== null) io.out(`started the daemon (pid ${spawned})${restored.length ? `; it brought back ${restored.join(', ')}` : ''}`);
        if (r.started.length) io.out(`started ${r.started.join(', ')}`);
        const apps = [...restored, ...r.started];
        if (apps.length === 0) { io.out('every saved app is already running'); return 0; }
        return await settleAndReport(c, apps, io, false);
      } finally {
        c.close();
      }
    } catch (err) {
      return reportRemoteError(io, err);
    }
  },
};
export default resurrect;
