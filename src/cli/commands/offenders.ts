// `bulwark offenders [--json]`: the black book kept by the daemon.
import type { BulwarkCommand } from '../command.js';
import type { Offender } from '../../logs/offenders.js';
import { withDaemon } from '../daemon-connection.js';
import { renderTable } from '../format.js';

interface Args { json?: boolean; limit: number }

const offenders: BulwarkCommand<Args> = {
  command: 'offenders',
  describe: 'show the black book: IPs and users with counts by kind, first and last seen',
  builder: (y) => y
    .option('json', { type: 'boolean', describe: 'print JSON' })
    .option('limit', { alias: 'n', type: 'number', default: 50, describe: 'at most this many rows, most events first' }),
  run: (argv, io) => withDaemon(io, async (c) => {
    const list = (await c.request<Offender[]>('offenders')).sort((a, b) => b.total - a.total);
    if (argv.json) { io.out(JSON.stringify(list)); return 0; }
    if (list.length === 0) { io.out('no offenders recorded'); return 0; }
    io.out(renderTable(['type', 'value', 'total', 'by kind', 'first seen', 'last seen'],
      list.slice(0, argv.limit).map((o) => [o.type, o.value, o.total,
        Object.entries(o.counts).map(([k, n]) => `${k}:${n}`).join(' '), o.firstSeen, o.lastSeen])));
    return 0;
  }),
};
export default offenders;
