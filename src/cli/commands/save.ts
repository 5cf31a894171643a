// `bulwark save` persists the app table (and which file owns what); the daemon brings it back when it
// starts. `save --clear` (PM2's cleardump) empties it: nothing comes back at the next start.
import type { BulwarkCommand } from '../command.js';
import { AppTableStore } from '../../daemon/app-table.js';
import { homePaths } from '../../daemon/paths.js';
import { withDaemon } from '../daemon-connection.js';

interface Args { clear?: boolean }

const save: BulwarkCommand<Args> = {
  command: 'save',
  describe: 'persist the app table; the daemon restores it when it starts (e.g. at boot under systemd)',
  builder: (y) => y.option('clear', { type: 'boolean', describe: 'forget the saved table instead (PM2\'s cleardump); running apps are not touched' }),
  run: async (argv, io) => {
    if (argv.clear) {
      // The saved table is a file the daemon reads only when it starts: no daemon needed.
      const store = new AppTableStore(homePaths().stateDir);
      io.out(store.clearSaved() ? `removed ${store.savedFile}: the daemon starts with no apps (after a crash it still restores what was running)` : 'nothing was saved');
      return 0;
    }
    return withDaemon(io, async (c) => {
      const r = await c.request<{ file: string; apps: string[] }>('save');
      io.out(`saved ${r.apps.length} app(s) to ${r.file}`);
      return 0;
    });
  },
};
export default save;
