// `bulwark offenders [--json]`: the black book kept by the daemon, or read from state/offenders.json
// when the daemon is down (it is written there as it changes).
import type { BulwarkCommand, CliIO } from '../command.js';
import { EXIT } from '../command.js';
import { OffenderBook, offendersFile, type Offender } from '../../logs/offenders.js';
import { DaemonClient, DaemonUnreachableError } from '../../client/client.js';
import { homePaths } from '../../daemon/paths.js';
import { reportRemoteError } from '../daemon-connection.js';
import { renderTable } from '../format.js';
import { wholeNumber } from '../checks.js';
import { terminalJson, terminalSafe } from '../terminal-text.js';

interface Args { json?: boolean; limit: number }

const offenders: BulwarkCommand<Args> = {
  command: 'offenders',
  describe: 'show the black book: IPs and users with counts by kind, first and last seen',
  builder: (y) => y
    .option('json', { type: 'boolean', describe: 'print JSON' })
    .option('limit', { alias: 'n', type: 'number', default: 50, describe: 'at most this many rows, most events first' })
    .check(wholeNumber('limit', '-n')),
  run: async (argv, io) => {
    const paths = homePaths();
    let list: Offender[];
    try {
      const c = await DaemonClient.connect(paths.socket);
      try { list = await c.request<Offender[]>('offenders'); } catch (err) { return reportRemoteError(io, err); } finally { c.close(); }
    } catch (err) {
      if (!(err instanceof DaemonUnreachableError)) throw err;
      const file = offendersFile(paths.stateDir);
      io.err(`bulwark: the daemon is not running; reading the black book from ${file}`);
      list = new OffenderBook(file).list();
    }
    print(list.sort((a, b) => b.total - a.total), argv, io);
    return EXIT.OK;
  },
};

function print(list: Offender[], argv: Args, io: CliIO): void {
  if (argv.json) { io.out(terminalJson(list)); return; }
  if (list.length === 0) { io.out('no offenders recorded'); return; }
  // Values (user names especially) come from log lines: escaped before they reach the table.
  io.out(renderTable(['type', 'value', 'total', 'by kind', 'first seen', 'last seen'],
    list.slice(0, argv.limit).map((o) => [o.type, terminalSafe(o.value), o.total,
      Object.entries(o.counts).map(([k, n]) => `${k}:${n}`).join(' '), o.firstSeen, o.lastSeen])));
}
export default offenders;
