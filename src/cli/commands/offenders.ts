// `bulwark offenders [--json]`: the black book kept by the daemon, or read from state/offenders.json
// when the daemon is down (it is written there as it changes). `--banned`: the bans in force (the
// daemon's, so it must be running).
import type { BulwarkCommand, CliIO } from '../command.js';
import { EXIT } from '../command.js';
import { OffenderBook, offendersFile, type Offender } from '../../logs/offenders.js';
import type { BanServiceStatus, PublicBan } from '../../daemon/ban-service.js';
import { DaemonClient, DaemonUnreachableError } from '../../client/client.js';
import { homePaths } from '../../daemon/paths.js';
import { reportRemoteError, withDaemon } from '../daemon-connection.js';
import { duration, renderTable } from '../format.js';
import { wholeNumber } from '../checks.js';
import { terminalJson, terminalSafe } from '../terminal-text.js';

interface Args { json?: boolean; limit: number; banned?: boolean }

const offenders: BulwarkCommand<Args> = {
  command: 'offenders',
  describe: 'show the black book: IPs and users with counts by kind, first and last seen',
  builder: (y) => y
    .option('json', { type: 'boolean', describe: 'print JSON' })
    .option('banned', { type: 'boolean', describe: 'only the bans in force: address or network, time left, which ban it is, why' })
    .option('limit', { alias: 'n', type: 'number', default: 50, describe: 'at most this many rows, most events first' })
    .check(wholeNumber('limit', '-n')),
  run: async (argv, io) => {
    if (argv.banned) return withDaemon(io, (c) => banned(c, argv, io));
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

/** The bans in force, with the events the black book holds for each address. */
async function banned(c: DaemonClient, argv: Args, io: CliIO): Promise<number> {
  const [{ status, bans }, book] = await Promise.all([
    c.request<{ status: BanServiceStatus; bans: PublicBan[] }>('bans'),
    c.request<Offender[]>('offenders'),
  ]);
  const byIp = new Map(book.filter((o) => o.type === 'ip').map((o) => [o.value, o]));
  const rows = bans.map((b) => ({ ...b, events: byIp.get(b.ip)?.total ?? 0 }));
  if (argv.json) { io.out(terminalJson(rows)); return EXIT.OK; }
  if (!status.enabled) { io.out('bans are off (security.ban.enabled: false)'); return EXIT.OK; }
  if (status.unavailable) io.err(`bans are not working: ${terminalSafe(status.unavailable)}`);
  if (rows.length === 0) { io.out('no bans in force'); return EXIT.OK; }
  io.out(renderTable(['banned', 'time left', 'until', 'ban #', 'by', 'events', 'reason'],
    rows.slice(0, argv.limit).map((b) => [b.target, duration(b.remainingMs), b.until, b.count, b.by, b.events, terminalSafe(b.reason)])));
  return EXIT.OK;
}

function print(list: Offender[], argv: Args, io: CliIO): void {
  if (argv.json) { io.out(terminalJson(list)); return; }
  if (list.length === 0) { io.out('no offenders recorded'); return; }
  // Values (user names especially) come from log lines: escaped before they reach the table.
  io.out(renderTable(['type', 'value', 'total', 'by kind', 'first seen', 'last seen'],
    list.slice(0, argv.limit).map((o) => [o.type, terminalSafe(o.value), o.total,
      Object.entries(o.counts).map(([k, n]) => `${k}:${n}`).join(' '), o.firstSeen, o.lastSeen])));
}
export default offenders;
