// `bulwark delete <name|all>`: stops and forgets the app, in the running daemon and in the saved
// table, so it does not come back when the daemon starts again (at boot, under systemd).
import type { BulwarkCommand } from '../command.js';
import { withDaemon } from '../daemon-connection.js';

interface Args { name: string }

const del: BulwarkCommand<Args> = {
  command: 'delete <name>',
  describe: 'stop an app (or all) and forget it, also in the saved table',
  builder: (y) => y.positional('name', { type: 'string', describe: 'an app name, or all', demandOption: true }),
  run: (argv, io) => withDaemon(io, async (c) => {
    const { names, unsaved, files } = await c.request<{ names: string[]; unsaved: string[]; files: string[] }>('delete', { name: argv.name });
    if (names.length === 0) { io.out('no apps'); return 0; }
    io.out(`deleted ${names.join(', ')}`);
    if (unsaved.length > 0) io.out(`removed ${unsaved.join(', ')} from the saved table too: the daemon will not bring ${unsaved.length > 1 ? 'them' : 'it'} back`);
    for (const f of files) io.out(`(${f} still declares what was deleted: \`bulwark start ${f}\` would start it again)`);
    return 0;
  }),
};
export default del;
