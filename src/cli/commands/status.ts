// `bulwark status [name] [--json]`: kept free of yargs and zod imports (see main.ts fastStatus).
import type { BulwarkCommand } from '../command.js';
import type { AppStatus } from '../../supervisor/supervisor.js';
import { withDaemon } from '../daemon-connection.js';
import type { EndpointStatus } from '../../logs/forward/endpoint.js';
import type { PipelineStats } from '../../logs/pipeline.js';
import { bytes, duration, percent, renderTable } from '../format.js';
import { statusTable } from './forward.js';

interface DaemonStatus { apps: AppStatus[]; forward: EndpointStatus[]; pipeline: PipelineStats | null }

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
    const all = await client.request<DaemonStatus>('status', { ...(argv.name ? { name: argv.name } : {}), all: true });
    io.out(all.apps.length ? renderStatusTable(all.apps) : 'no apps (start some with `bulwark start <config|script>`)');
    if (all.forward.length) io.out(`\n${statusTable(all.forward)}`);
    const p = all.pipeline;
    if (p) {
      const i = p.input;
      io.out(`\nlog pipeline: ${p.lines} lines from ${p.files} file(s), ${p.detections} detection(s); hostile input: ${i.truncated} truncated, ${i.invalidUtf8} invalid UTF-8, ${i.nul} with NUL, ${i.binary} binary, ${i.ignored} allow-listed`);
    }
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
