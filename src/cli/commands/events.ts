// `bulwark events [--type T] [--app A] [-n N] [-f] [--json]`: the durable history, optionally followed.
import type { BulwarkCommand } from '../command.js';
import type { BulwarkEvent } from '../../events/types.js';
import { withDaemon } from '../daemon-connection.js';

interface Args { type?: string; app?: string; lines: number; follow?: boolean; json?: boolean }

const events: BulwarkCommand<Args> = {
  command: 'events',
  describe: 'show the event history: starts, exits, crashes, hangs, restarts, detections, alerts, forward errors',
  builder: (y) => y
    .option('type', { type: 'string', describe: 'lifecycle | security | alert | forward | daemon, or a kind (crash, hang, sqli, ...)' })
    .option('app', { type: 'string', describe: 'only this app' })
    .option('lines', { alias: 'n', type: 'number', default: 50, describe: 'how many past events' })
    .option('follow', { alias: 'f', type: 'boolean', describe: 'keep printing new events' })
    .option('json', { type: 'boolean', describe: 'one JSON object per line' }),
  run: (argv, io) => withDaemon(io, async (c) => {
    const print = (e: BulwarkEvent) => io.out(argv.json ? JSON.stringify(e) : formatEvent(e));
    const args = { type: argv.type, app: argv.app, limit: argv.lines, follow: argv.follow };
    if (!argv.follow) {
      for (const e of await c.request<BulwarkEvent[]>('events', args)) print(e);
      return 0;
    }
    await c.request('events', args, (d) => print(d as BulwarkEvent));
    return 0;
  }),
};

export function formatEvent(e: BulwarkEvent): string {
  const head = `${e.at}  ${e.type.padEnd(9)} ${e.kind.padEnd(14)} ${(e.app ?? '-').padEnd(12)}`;
  switch (e.type) {
    case 'lifecycle': return `${head} ${e.reason}${e.pid ? ` (pid ${e.pid})` : ''}`;
    case 'security': return `${head} ${e.severity} ip=${e.ip ?? '-'} user=${e.user ?? '-'} ${e.message}`;
    case 'alert': return `${head} ${e.channel}: ${e.message}${e.error ? ` (${e.error})` : ''}`;
    case 'forward': return `${head} ${e.endpoint}: ${e.message}`;
    default: return `${head} ${e.message}`;
  }
}
export default events;
