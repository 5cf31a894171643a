// `bulwark unban <ip|all>`: lifts a ban (an address also finds the prefix ban that holds it), or all.
import type { BulwarkCommand } from '../command.js';
import { EXIT } from '../command.js';
import type { PublicBan } from '../../daemon/ban-service.js';
import { withDaemon } from '../daemon-connection.js';

interface Args { ip: string; json?: boolean }

const unban: BulwarkCommand<Args> = {
  command: 'unban <ip>',
  describe: 'lift a ban now: an address, a banned network, or `all`',
  builder: (y) => y
    .positional('ip', { type: 'string', describe: 'an address, a banned network (192.0.2.0/24), or all' })
    .option('json', { type: 'boolean', describe: 'print the lifted bans as JSON' }),
  run: (argv, io) => withDaemon(io, async (c) => {
    const { removed } = await c.request<{ removed: PublicBan[] }>('unban', { ip: argv.ip });
    if (argv.json) io.out(JSON.stringify(removed));
    else if (removed.length === 0) io.out('no bans to lift');
    else io.out(removed.length === 1 ? `unbanned ${removed[0]!.target}` : `unbanned ${removed.length} targets`);
    return EXIT.OK;
  }),
};
export default unban;
