// `bulwark import pm2 <file>`: print the bulwark.yml equivalent of a PM2 ecosystem file.
import { resolve } from 'node:path';
import type { BulwarkCommand } from '../command.js';
import { EXIT } from '../command.js';
import { ConfigError, formatIssue } from '../../config/errors.js';

interface ImportArgs {
  from: string;
  file: string;
}

const importCommand: BulwarkCommand<ImportArgs> = {
  command: 'import <from> <file>',
  describe: 'print the bulwark.yml equivalent of another supervisor\'s config (pm2 ecosystem.config.js|cjs|json)',
  builder: (y) => y
    .positional('from', { choices: ['pm2'] as const, describe: 'the supervisor the file belongs to' })
    .positional('file', { type: 'string', describe: 'ecosystem.config.js, .cjs or .json' })
    .example('$0 import pm2 ecosystem.config.js > bulwark.yml', 'convert, keeping the file next to the original'),
  async run(argv, io) {
    if (argv.from !== 'pm2') {
      io.err(`import: unknown source "${argv.from}" (supported: pm2)`);
      return EXIT.USAGE;
    }
    const { pm2ToYaml } = await import('../../config/pm2.js');
    try {
      const { yaml, warnings } = await pm2ToYaml(resolve(argv.file));
      for (const w of warnings) io.err(`warning: ${w}`);
      io.out(yaml);
      return EXIT.OK;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const issue of err.issues) io.err(formatIssue(issue));
      return EXIT.CONFIG;
    }
  },
};

export default importCommand;
