// `bulwark start [config|script|name] [--name N] [-- args]`: loads and validates here (so config
// errors are located and exit 78), starts the daemon if needed, and hands it the validated config.
import { existsSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import type { BulwarkCommand, CliIO } from '../command.js';
import { EXIT } from '../command.js';
import { ConfigError, formatIssue } from '../../config/errors.js';
import { isPm2Ecosystem, loadConfigFile, validateConfig } from '../../config/load.js';
import type { BulwarkConfig } from '../../config/schema/index.js';
import type { AppStatus } from '../../supervisor/supervisor.js';
import { homePaths } from '../../daemon/paths.js';
import { reportRemoteError, withDaemon } from '../daemon-connection.js';
import { ensureDaemon } from '../daemon-launcher.js';
import { renderStatusTable } from '../status-table.js';

interface Args { target?: string; name?: string; json?: boolean; '--'?: string[] }

const CONFIG_FILE = /\.(ya?ml|json)$|(^|[./])ecosystem(\.config)?\.c?js$/;

const start: BulwarkCommand<Args> = {
  command: 'start [target]',
  describe: 'start the apps of a config file, a script (with --name and -- args), or a stopped app by name',
  builder: (y) => y
    .positional('target', { type: 'string', describe: 'bulwark.yml, ecosystem.config.js, a script, or an app name' })
    .option('name', { type: 'string', describe: 'app name when starting a script' })
    .option('json', { type: 'boolean', describe: 'print the status of the started apps as JSON' })
    .example('bulwark start bulwark.yml', 'start every app in the file')
    .example('bulwark start server.js --name api -- --port 3000', 'run one script'),
  run: async (argv, io) => {
    const target = argv.target ?? (existsSync('bulwark.yml') ? 'bulwark.yml' : undefined);
    if (!target) { io.err('bulwark start: name a config file, a script or an app (no bulwark.yml here)'); return EXIT.USAGE; }
    const isFile = existsSync(target) && statSync(target).isFile();
    if (!isFile) {
      if (CONFIG_FILE.test(target) || target.includes('/')) { io.err(`bulwark start: ${target}: no such file`); return EXIT.USAGE; }
      return withDaemon(io, async (c) => { await c.request('start', { name: target }); io.out(`started ${target}`); return 0; });
    }
    let config: BulwarkConfig;
    let sections: string[];
    try {
      ({ config, sections } = await loadTarget(target, argv, io));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const issue of err.issues) io.err(formatIssue(issue));
      io.err(`${err.issues.length} error(s); nothing was started`);
      return EXIT.CONFIG;
    }
    const paths = homePaths();
    let client;
    try {
      client = await ensureDaemon(paths);
    } catch (err) {
      return reportRemoteError(io, err);
    }
    try {
      const { started } = await client.request<{ started: string[] }>('apply', { config, sections });
      const status = (await client.request<AppStatus[]>('status')).filter((s) => started.includes(s.name));
      io.out(argv.json ? JSON.stringify(status) : renderStatusTable(status));
      return 0;
    } catch (err) {
      return reportRemoteError(io, err);
    } finally {
      client.close();
    }
  },
};

async function loadTarget(target: string, argv: Args, io: CliIO): Promise<{ config: BulwarkConfig; sections: string[] }> {
  if (CONFIG_FILE.test(target)) {
    const loaded = await loadConfigFile(target);
    for (const w of loaded.warnings) io.err(`warning: ${w}`);
    // A PM2 file has only apps: the daemon's security, forward and alerts sections stay as they are.
    return { config: loaded.config, sections: isPm2Ecosystem(target) ? ['apps'] : ['apps', 'security', 'forward', 'alerts'] };
  }
  const script = resolve(target);
  const name = argv.name ?? basename(script, extname(script));
  const config = validateConfig({ apps: [{ name, script, args: argv['--'] ?? [], cwd: process.cwd() }] }, '(command line)', process.env);
  return { config, sections: ['apps'] };
}

export default start;
