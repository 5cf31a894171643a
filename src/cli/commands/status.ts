// `bulwark status [name] [--json]`: kept free of yargs, zod and, for --json, of table code
// (see main.ts fastStatus): scripts poll it.
import type { BulwarkCommand } from '../command.js';
import type { AppStatus } from '../../supervisor/supervisor.js';
import { withDaemon } from '../daemon-connection.js';
import type { DaemonStatus } from '../status-table.js';

interface Args { name?: string; json?: boolean }

const status: BulwarkCommand<Args> = {
  command: 'status [name]',
  describe: 'show apps: pid, state, uptime, restarts, cpu, memory, last exit, health',
  builder: (y) => y.positional('name', { type: 'string', describe: 'one app' }).option('json', { type: 'boolean', describe: 'print JSON (one object per app)' }),
  run: (argv, io) => withDaemon(io, async (client) => {
    if (argv.json) {
      io.out(JSON.stringify(await client.request<AppStatus[]>('status', argv.name ? { name: argv.name } : {})));
      return 0;
    }
    const [all, { renderDaemonStatus }] = await Promise.all([
      client.request<DaemonStatus>('status', { ...(argv.name ? { name: argv.name } : {}), all: true }),
      import('../status-table.js'), // the table's helpers are not loaded for --json
    ]);
    io.out(renderDaemonStatus(all));
    return 0;
  }),
};

export default status;
