// `bulwark apply <file> [--replace] [--force] [--dry-run]`: like `start <file>`, the file owns the
// apps, endpoints, channels and settings it declares and only those change. `--replace` makes the
// daemon's config exactly this file: what other files (and command-line scripts) own is removed.
import type { BulwarkCommand } from '../command.js';
import { EXIT } from '../command.js';
import { ConfigError, formatIssue } from '../../config/errors.js';
import { loadConfigFile } from '../../config/load.js';
import { runnableChecker } from '../../supervisor/runnable.js';
import { applyConfig } from '../apply-config.js';

interface Args { file: string; replace?: boolean; force?: boolean; dryRun?: boolean; json?: boolean; env?: string }

const apply: BulwarkCommand<Args> = {
  command: 'apply <file>',
  describe: 'start a config file as the owner of what it declares; --replace: run exactly this file and nothing else',
  builder: (y) => y
    .positional('file', { type: 'string', describe: 'bulwark.yml, .json or a PM2 ecosystem file', demandOption: true })
    .option('replace', { type: 'boolean', describe: 'remove every app, endpoint, channel and setting this file does not declare' })
    .option('force', { alias: 'f', type: 'boolean', describe: 'take over names and settings other files declare' })
    .option('dry-run', { type: 'boolean', describe: 'print what would be added, changed and removed; change nothing' })
    .option('json', { type: 'boolean', describe: 'print the status of the started apps as JSON' })
    .option('env', { type: 'string', describe: 'merge envs.NAME (PM2: env_NAME) over each app\'s env' })
    .example('bulwark apply bulwark.yml --replace --dry-run', 'what running only this file would remove'),
  run: async (argv, io) => {
    let loaded;
    try {
      loaded = await loadConfigFile(argv.file, process.env, { checkApp: runnableChecker(), envName: argv.env });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const issue of err.issues) io.err(formatIssue(issue));
      io.err(`${err.issues.length} error(s); nothing was changed`);
      return EXIT.CONFIG;
    }
    for (const w of loaded.warnings) io.err(`warning: ${w}`);
    return applyConfig({
      config: loaded.config, declared: loaded.declared ?? ['*'], source: { id: loaded.file, label: loaded.file },
      origin: { cwd: process.cwd(), envName: argv.env },
      force: argv.force === true, replace: argv.replace === true, dryRun: argv.dryRun === true,
    }, io, {
      json: argv.json,
      clashHint: `rename it in one file, \`bulwark delete <name>\` first, add --force (-f) to move it to ${argv.file}, or add --replace to run only this file`,
    });
  },
};

export default apply;
