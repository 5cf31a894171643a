import type { BulwarkCommand } from '../command.js';
import { withDaemon } from '../daemon-connection.js';

const save: BulwarkCommand = {
  command: 'save',
  describe: 'persist the app table; the daemon restores it when it starts (e.g. at boot under systemd)',
  run: (_argv, io) => withDaemon(io, async (c) => {
    const r = await c.request<{ file: string; apps: string[] }>('save');
    io.out(`saved ${r.apps.length} app(s) to ${r.file}`);
    return 0;
  }),
};
export default save;
