// `bulwark config check <file>`: every error with file, line, path and a hint; exit 78, or 0 when valid.
// It runs the checks `start` runs (scripts and commands that would not spawn included).
import type { BulwarkCommand } from '../command.js';
import { EXIT } from '../command.js';
import { ConfigError, formatIssue } from '../../config/errors.js';
import { loadConfigFile } from '../../config/load.js';
import { runnableChecker } from '../../supervisor/runnable.js';
import type { BulwarkConfig } from '../../config/schema/index.js';
import { resolve } from 'node:path';

interface Args { action: string; file: string; json?: boolean }

const config: BulwarkCommand<Args> = {
  command: 'config <action> <file>',
  describe: 'validate a config file: `config check <file>`',
  builder: (y) => y
    .positional('action', { choices: ['check'] as const, describe: 'what to do' })
    .positional('file', { type: 'string', describe: 'bulwark.yml, .json or a PM2 ecosystem file' })
    .option('json', { type: 'boolean', describe: 'print the errors (or the resolved config) as JSON' }),
  run: async (argv, io) => {
    try {
      const { config: cfg, warnings, kind } = await loadConfigFile(argv.file, process.env, { checkApp: runnableChecker() });
      await checkBansHere(cfg.security.ban, argv.file);
      for (const w of warnings) io.err(`warning: ${w}`);
      if (argv.json) io.out(JSON.stringify({ valid: true, kind, apps: cfg.apps.map((a) => a.name), warnings }));
      else io.out(`${argv.file}: valid (${cfg.apps.length} app(s), ${cfg.forward.length} forward endpoint(s), ${cfg.alerts.channels.length} alert channel(s))`);
      return EXIT.OK;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      if (argv.json) io.out(JSON.stringify({ valid: false, errors: err.issues }));
      else {
        for (const issue of err.issues) io.err(formatIssue(issue));
        io.err(`${err.issues.length} error(s) in ${argv.file}`);
      }
      return EXIT.CONFIG;
    }
  },
};
/** Bans that cannot work on this machine, as this user, are a config error too (as at `start`). */
async function checkBansHere(ban: BulwarkConfig['security']['ban'], file: string): Promise<void> {
  if (!ban.enabled || ban.dryRun) return;
  const { checkBanning } = await import('../../ban/preflight.js');
  try {
    await checkBanning(ban);
  } catch (err) {
    const message = (err as Error).message.replace(/^security\.ban: /, '');
    throw new ConfigError([{ file: resolve(file), path: 'security.ban', message, hint: 'see docs/bans.md "Requirements"' }]);
  }
}
export default config;
