// stop / restart / delete share one shape: a name or `all`, one request, a short report.
import type { BulwarkCommand } from '../command.js';
import { withDaemon } from '../daemon-connection.js';

interface Args { name: string }

export function appAction(cmd: 'stop' | 'restart' | 'delete', describe: string, done: string): BulwarkCommand<Args> {
  return {
    command: `${cmd} <name>`,
    describe,
    builder: (y) => y.positional('name', { type: 'string', describe: 'an app name, or all', demandOption: true }),
    run: (argv, io) => withDaemon(io, async (c) => {
      const { names } = await c.request<{ names: string[] }>(cmd, { name: argv.name });
      io.out(names.length ? `${done} ${names.join(', ')}` : 'no apps');
      return 0;
    }),
  };
}
