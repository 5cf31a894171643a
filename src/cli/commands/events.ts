// `bulwark events [--type T] [--app A] [-n N] [-f] [--json]`: the durable history, optionally
// followed. From the daemon when it runs; from state/events.jsonl when it does not (a post-mortem
// after a crash is when the history matters most), following the file with -f.
import type { BulwarkCommand, CliIO } from '../command.js';
import { EXIT } from '../command.js';
import type { BulwarkEvent } from '../../events/types.js';
import { eventsFile, matches, readRecentEvents } from '../../events/event-log.js';
import { eventTypesAndKinds, isEventTypeOrKind } from '../../events/kinds.js';
import { DaemonClient, DaemonUnreachableError } from '../../client/client.js';
import { homePaths, type HomePaths } from '../../daemon/paths.js';
import type { AppStatus } from '../../supervisor/supervisor.js';
import { capturedApps } from '../../common/capture-files.js';
import { reportRemoteError } from '../daemon-connection.js';
import { followFile } from '../follow-file.js';
import { unknownName, wholeNumber } from '../checks.js';
import { untilInterrupted } from '../interrupt.js';
import { terminalJson, terminalSafe } from '../terminal-text.js';

interface Args { type?: string; app?: string; lines: number; follow?: boolean; json?: boolean }

const events: BulwarkCommand<Args> = {
  command: 'events',
  describe: 'show the event history: starts, exits, crashes, hangs, restarts, detections, alerts, forward errors',
  builder: (y) => y
    .option('type', { type: 'string', describe: 'lifecycle | security | alert | forward | ban | daemon, or a kind (crash, hang, sqli, ...)' })
    .option('app', { type: 'string', describe: 'only this app' })
    .option('lines', { alias: 'n', type: 'number', default: 50, describe: 'how many past events' })
    .option('follow', { alias: 'f', type: 'boolean', describe: 'keep printing new events' })
    .option('json', { type: 'boolean', describe: 'one JSON object per line' })
    .check(wholeNumber('lines', '-n'))
    .check((a) => a.type === undefined || isEventTypeOrKind(String(a.type))
      || `--type ${JSON.stringify(a.type)} is not an event type or kind; one of: ${eventTypesAndKinds().join(', ')}`),
  run: async (argv, io) => {
    const paths = homePaths();
    const interrupted = argv.follow ? untilInterrupted() : undefined; // before any output: Ctrl-C may come at once
    let client: DaemonClient;
    try {
      client = await DaemonClient.connect(paths.socket);
    } catch (err) {
      if (!(err instanceof DaemonUnreachableError)) throw err;
      return fromDisk(argv, io, paths, interrupted);
    }
    try {
      return await fromDaemon(client, argv, io, interrupted);
    } catch (err) {
      return reportRemoteError(io, err);
    } finally {
      client.close();
    }
  },
};

async function fromDaemon(c: DaemonClient, argv: Args, io: CliIO, interrupted: Promise<unknown> | undefined): Promise<number> {
  const filter = { type: argv.type, app: argv.app, limit: argv.lines };
  if (argv.app !== undefined) {
    // Names only, streamed: the check must not hold every app's status or the whole history.
    const known = new Set<string>();
    await c.request('status', { stream: true }, (d) => known.add((d as AppStatus).name));
    if (!known.has(argv.app)) {
      // Not running now: a deleted app still has a history.
      await c.request('events', { limit: 100_000, stream: true }, (d) => { const app = (d as BulwarkEvent).app; if (app) known.add(app); });
      if (!known.has(argv.app)) return unknownName(io, 'app', argv.app, [...known].sort());
    }
  }
  const print = printer(argv, io);
  if (!interrupted) {
    // Streamed: printed as they arrive, so the CLI's memory stays flat however many were asked for.
    const result = await c.request<unknown>('events', { ...filter, stream: true }, (d) => print(d as BulwarkEvent));
    if (Array.isArray(result)) for (const e of result as BulwarkEvent[]) print(e); // a daemon from before streaming
    return EXIT.OK;
  }
  await Promise.race([c.request('events', { ...filter, follow: true }, (d) => print(d as BulwarkEvent)), interrupted]);
  return EXIT.OK;
}

async function fromDisk(argv: Args, io: CliIO, paths: HomePaths, interrupted: Promise<unknown> | undefined): Promise<number> {
  const file = eventsFile(paths.stateDir);
  io.err(`bulwark: the daemon is not running; reading the history from ${file}`);
  const { events: recent, size } = readRecentEvents(file);
  if (argv.app !== undefined) {
    const known = new Set([...capturedApps(paths.logsDir), ...recent.flatMap((e) => (e.app ? [e.app] : []))]);
    if (!known.has(argv.app)) return unknownName(io, 'app', argv.app, [...known].sort());
  }
  const filter = { type: argv.type, app: argv.app };
  const print = printer(argv, io);
  const shown = argv.lines > 0 ? recent.filter((e) => matches(e, filter)).slice(-argv.lines) : [];
  for (const e of shown) print(e);
  if (!interrupted) return EXIT.OK;
  // The daemon appends to the file when it comes back; followFile follows its rotation too.
  const follower = followFile(file, size, (text) => {
    for (const line of text.split('\n')) {
      if (!line) continue;
      let e: BulwarkEvent;
      try { e = JSON.parse(line) as BulwarkEvent; } catch { continue; }
      if (matches(e, filter)) print(e);
    }
  });
  await interrupted;
  follower.stop();
  return EXIT.OK;
}

/** One event a line; event text carries log-derived fields (ip, user, reasons), so it is escaped. */
function printer(argv: Args, io: CliIO): (e: BulwarkEvent) => void {
  return (e) => io.out(argv.json ? terminalJson(e) : terminalSafe(formatEvent(e)));
}

export function formatEvent(e: BulwarkEvent): string {
  // Instance N >= 1 of an app shows as app@N, as in `status`.
  const who = e.type === 'lifecycle' && e.instance !== undefined && e.instance > 0 ? `${e.app}@${e.instance}` : e.app ?? '-';
  const head = `${e.at}  ${e.type.padEnd(9)} ${e.kind.padEnd(14)} ${who.padEnd(12)}`;
  switch (e.type) {
    case 'lifecycle': return `${head} ${e.reason}${e.pid ? ` (pid ${e.pid})` : ''}`;
    case 'security': return `${head} ${e.severity} ip=${e.ip ?? '-'} user=${e.user ?? '-'} ${e.message}`;
    case 'alert': return `${head} ${e.channel}: ${e.message}${e.error ? ` (${e.error})` : ''}`;
    case 'forward': return `${head} ${e.endpoint}: ${e.message}`;
    case 'ban': return `${head} ${e.target ?? e.ip ?? '-'} ${e.message}`;
    default: return `${head} ${e.message}`;
  }
}
export default events;
