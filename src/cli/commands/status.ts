// `bulwark status [name] [--json]`: kept free of yargs, zod and, for --json, of table code
// (see status-main.ts): scripts poll it. The daemon streams one message per app and both
// outputs are printed as rows arrive, so the CLI's memory does not grow with the number of apps.
import type { BulwarkCommand, CliIO } from '../command.js';
import type { AppStatus } from '../../supervisor/supervisor.js';
import { withDaemon } from '../daemon-connection.js';
import type { DaemonStatus } from '../status-table.js';

interface Args { name?: string; json?: boolean }

const status: BulwarkCommand<Args> = {
  command: 'status [name]',
  describe: 'show apps: pid, state, uptime, restarts, cpu, memory, last exit, health',
  builder: (y) => y.positional('name', { type: 'string', describe: 'one app' }).option('json', { type: 'boolean', describe: 'print JSON (one object per app)' }),
  run: (argv, io) => withDaemon(io, async (client) => {
    const which = argv.name ? { name: argv.name } : {};
    if (argv.json) {
      const out = jsonArray(io);
      const result = await client.request<unknown>('status', { ...which, stream: true }, out.item);
      if (Array.isArray(result)) for (const row of result) out.item(row); // a daemon from before streaming
      out.end();
      return 0;
    }
    const { StatusPrinter } = await import('../status-table.js'); // the table's helpers are not loaded for --json
    const printer = new StatusPrinter(io);
    const result = await client.request<Partial<DaemonStatus>>('status', { ...which, all: true, stream: true }, (row) => printer.add(row as AppStatus));
    for (const row of result.apps ?? []) printer.add(row);
    printer.end(result);
    return 0;
  }),
};

/** A JSON array printed one element per line as elements arrive: `[a`, `,b`, ..., `]`. */
function jsonArray(io: CliIO): { item(v: unknown): void; end(): void } {
  let first = true;
  return {
    item: (v) => {
      io.out(`${first ? '[' : ','}${JSON.stringify(v)}`);
      first = false;
    },
    end: () => io.out(first ? '[]' : ']'),
  };
}

export default status;
