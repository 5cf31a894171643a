// `bulwark status [name] [--json]`: kept free of yargs and zod imports (see main.ts fastStatus).
import type { BulwarkCommand } from '../command.js';
import type { AppStatus } from '../../supervisor/supervisor.js';
import { withDaemon } from '../daemon-connection.js';
import { bytes, duration, percent, renderTable } from '../format.js';

interface Args { name?: string; json?: boolean }

const status: BulwarkCommand<Args> = {
  command: 'status [name]',
  describe: 'show apps: pid, state, uptime, restarts, cpu, memory, last exit, health',
  builder: (y) => y.positional('name', { type: 'string', describe: 'one app' }).option('json', { type: 'boolean', describe: 'print JSON (one object per app)' }),
  run: (argv, io) => withDaemon(io, async (client) => {
    const apps = await client.request<AppStatus[]>('status', argv.name ? { name: argv.name } : {});
    if (argv.json) { io.out(JSON.stringify(apps)); return 0; }
    if (apps.length === 0) { io.out('no apps (start some with `bulwark start <config|script>`)'); return 0; }
    io.out(renderStatusTable(apps));
    return 0;
  }),
};

export function renderStatusTable(apps: AppStatus[]): string {
  return renderTable(
    ['name', 'pid', 'state', 'uptime', 'restarts', 'cpu', 'memory', 'last exit', 'health'],
    apps.map((a) => [a.name, a.pid ?? '-', a.state, duration(a.state === 'online' ? a.uptimeMs : null), a.restarts,
      percent(a.cpu), bytes(a.memoryBytes), lastExit(a.lastExit), a.health]),
  );
}

function lastExit(e: AppStatus['lastExit']): string {
  if (!e) return '-';
  return e.signal ? e.signal : `code ${e.code}`;
}

export default status;
