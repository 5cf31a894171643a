// `bulwark scale <name> <N|+N|-N>`: PM2's scale. New instances start (each ready before the next)
// and surplus ones stop gracefully, highest number first; the app's `instances` becomes N (kept by
// `save`).
import type { AppStatus } from '../../supervisor/supervisor.js';
import type { BulwarkCommand } from '../command.js';
import { EXIT } from '../command.js';
import { withDaemon } from '../daemon-connection.js';

interface Args { name: string; count: string }

const scale: BulwarkCommand<Args> = {
  command: 'scale <name> <count>',
  describe: 'run N instances of an app (+N / -N: that many more or fewer)',
  builder: (y) => y
    .positional('name', { type: 'string', describe: 'an app name', demandOption: true })
    .positional('count', { type: 'string', describe: 'N, +N or -N', demandOption: true })
    .example('bulwark scale api 4', 'run 4 instances of api')
    .example('bulwark scale api +1', 'one more'),
  run: (argv, io) => {
    const m = /^([+-]?)(\d+)$/.exec(String(argv.count).trim());
    if (!m) { io.err(`bulwark scale: expected N, +N or -N, got ${JSON.stringify(argv.count)}`); return Promise.resolve(EXIT.USAGE); }
    return withDaemon(io, async (c) => {
      let n = Number(m[2]);
      if (m[1] !== '') {
        const now = (await c.request<AppStatus[]>('status', { name: argv.name })).length;
        n = m[1] === '+' ? now + n : now - n;
      }
      const { from, to } = await c.request<{ from: number; to: number }>('scale', { name: argv.name, instances: n });
      io.out(from === to ? `${argv.name} runs ${to} instance${to === 1 ? '' : 's'} already` : `scaled ${argv.name} from ${from} to ${to} instance${to === 1 ? '' : 's'}`);
      return EXIT.OK;
    });
  },
};

export default scale;
