// `bulwark restart <name|all> [--update-env]`: like stop/start; --update-env hands the app this
// shell's environment first (PM2's --update-env), replacing the one it was started with.
import type { BulwarkCommand } from '../command.js';
import { withDaemon } from '../daemon-connection.js';
import { callerEnvironment } from '../caller-env.js';

interface Args { name: string; 'update-env'?: boolean }

const restart: BulwarkCommand<Args> = {
  command: 'restart <name>',
  describe: 'restart an app (or all)',
  builder: (y) => y
    .positional('name', { type: 'string', describe: 'an app name, or all', demandOption: true })
    .option('update-env', { type: 'boolean', describe: 'give the app this shell\'s environment (config env still wins)' }),
  run: (argv, io) => withDaemon(io, async (c) => {
    const env = argv['update-env'] ? { callerEnv: callerEnvironment() } : {};
    const { names } = await c.request<{ names: string[] }>('restart', { name: argv.name, ...env });
    io.out(names.length ? `restarted ${names.join(', ')}` : 'no apps');
    return 0;
  }),
};

export default restart;
