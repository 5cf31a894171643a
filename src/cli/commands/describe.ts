// `bulwark describe NAME` (PM2's `show`): one app in full, from the daemon.
import type { BulwarkCommand } from '../command.js';
import { EXIT } from '../command.js';
import { withDaemon } from '../daemon-connection.js';
import { captureFile } from '../../common/capture-files.js';
import { maskedEnv, renderDescription, type AppDescription } from '../describe-view.js';
import { terminalJson } from '../terminal-text.js';

interface Args { name: string; json?: boolean }

const describe: BulwarkCommand<Args> = {
  command: 'describe <name>',
  describe: 'everything about one app: command, args, cwd, env keys, log files, restart policy, health, limits, current run, last exits',
  builder: (y) => y
    .positional('name', { type: 'string', describe: 'an app name', demandOption: true })
    .option('json', { type: 'boolean', describe: 'print one JSON object (env values of secret-looking keys masked)' }),
  run: (argv, io) => withDaemon(io, async (c, paths) => {
    const d = await c.request<AppDescription>('describe', { name: argv.name });
    const logFiles = { stdout: captureFile(paths.logsDir, d.config.name, 'out'), stderr: captureFile(paths.logsDir, d.config.name, 'err') };
    io.out(argv.json
      ? terminalJson({ ...d, config: { ...d.config, env: maskedEnv(d.config.env) }, logFiles })
      : renderDescription(d, logFiles));
    return EXIT.OK;
  }),
};
export default describe;
