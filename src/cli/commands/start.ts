// `bulwark start [config|script|name] [--name N] [-- args]`: loads and validates here (so config
// errors are located and exit 78), starts the daemon if needed, and hands it the validated config.
import { existsSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import type { BulwarkCommand, CliIO } from '../command.js';
import { EXIT } from '../command.js';
import { ConfigError, formatIssue } from '../../config/errors.js';
import { loadConfigFile, validateConfig } from '../../config/load.js';
import { isConfigFileName } from '../../config/pm2/detect.js';
import { spawnCommandFor, SpawnCommandError } from '../../supervisor/spawn-command.js';
import { callerEnvironment } from '../caller-env.js';
import type { BulwarkConfig } from '../../config/schema/index.js';
import type { AppStatus } from '../../supervisor/supervisor.js';
import { homePaths } from '../../daemon/paths.js';
import { reportRemoteError, withDaemon } from '../daemon-connection.js';
import { ensureDaemon } from '../daemon-launcher.js';
import { renderStatusTable } from '../status-table.js';

interface Args { target?: string; name?: string; json?: boolean; env?: string; interpreter?: string; '--'?: string[] }

const start: BulwarkCommand<Args> = {
  command: 'start [target]',
  describe: 'start the apps of a config file, a script (with --name and -- args), or a stopped app by name',
  builder: (y) => y
    .positional('target', { type: 'string', describe: 'bulwark.yml, ecosystem.config.js, a script, or an app name' })
    .option('name', { type: 'string', describe: 'app name when starting a script' })
    .option('json', { type: 'boolean', describe: 'print the status of the started apps as JSON' })
    .option('env', { type: 'string', describe: 'merge envs.NAME (PM2: env_NAME) over each app\'s env' })
    .option('interpreter', { type: 'string', describe: 'what runs the script (node, python3, a path, or none)' })
    .example('bulwark start bulwark.yml', 'start every app in the file')
    .example('bulwark start server.js --name api -- --port 3000', 'run one script'),
  run: async (argv, io) => {
    const target = argv.target ?? (existsSync('bulwark.yml') ? 'bulwark.yml' : undefined);
    if (!target) { io.err('bulwark start: name a config file, a script or an app (no bulwark.yml here)'); return EXIT.USAGE; }
    const isFile = existsSync(target) && statSync(target).isFile();
    if (!isFile) {
      if (isConfigFileName(target) || target.includes('/')) { io.err(`bulwark start: ${target}: no such file`); return EXIT.USAGE; }
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
    const problems = unrunnable(config);
    if (problems.length > 0) {
      for (const p of problems) io.err(p);
      io.err(`${problems.length} error(s); nothing was started`);
      return EXIT.CONFIG;
    }
    const callerEnv = callerEnvironment();
    for (const app of config.apps) app.callerEnv = callerEnv;
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
  if (isConfigFileName(target)) {
    const loaded = await loadConfigFile(target, process.env, { envName: argv.env });
    for (const w of loaded.warnings) io.err(`warning: ${w}`);
    // A PM2 file has only apps: the daemon's security, forward and alerts sections stay as they are.
    return { config: loaded.config, sections: loaded.kind === 'pm2' ? ['apps'] : ['apps', 'security', 'forward', 'alerts'] };
  }
  const script = resolve(target);
  const name = argv.name ?? basename(script, extname(script));
  const app = { name, script, args: argv['--'] ?? [], cwd: process.cwd(), ...(argv.interpreter !== undefined ? { interpreter: argv.interpreter } : {}) };
  const config = validateConfig({ apps: [app] }, '(command line)', process.env);
  return { config, sections: ['apps'] };
}

/** Apps whose program cannot run (10.8): refused here, so none is left failing in the table. */
function unrunnable(config: BulwarkConfig): string[] {
  return config.apps.flatMap((app) => {
    try {
      spawnCommandFor(app);
      return [];
    } catch (err) {
      if (!(err instanceof SpawnCommandError)) throw err;
      return [`${app.name}: ${err.message}\n    hint: ${err.hint}`];
    }
  });
}

export default start;
