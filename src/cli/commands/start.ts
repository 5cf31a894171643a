// `bulwark start [config|script|name] [--name N] [-f] [-- args]`: loads and validates here (so config
// errors are located and exit 78; a daemon that has to be started loads meanwhile, and is told to
// start only once the config is good), and hands it the validated config as
// the share of one owner (the file, or the command line for a script). It answers once every app it
// started survived restart.minUptime or failed (exit 1, with the exit code or signal and the error).
import { existsSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import type { BulwarkCommand, CliIO } from '../command.js';
import { EXIT } from '../command.js';
import { ConfigError, formatIssue } from '../../config/errors.js';
import { loadConfigFile, validateConfig } from '../../config/load.js';
import { isConfigFileName } from '../../config/pm2/detect.js';
import type { StartOutcome } from '../../daemon/start-settle.js';
import { runnableChecker } from '../../supervisor/runnable.js';
import { applyConfig, reportOutcomes, type ApplyRequest } from '../apply-config.js';
import { withDaemon } from '../daemon-connection.js';
import { bootDaemonEarly, type EarlyDaemon } from '../daemon-launcher.js';
import { homePaths } from '../../daemon/paths.js';

/** What a bare `bulwark start` starts: bulwark.yml, else PM2's default file (as `pm2 start` does). */
const DEFAULT_FILES = ['bulwark.yml', 'ecosystem.config.js'];

interface Args { target?: string; name?: string; json?: boolean; force?: boolean; env?: string; interpreter?: string; '--'?: (string | number)[] }

const start: BulwarkCommand<Args> = {
  command: 'start [target]',
  describe: 'start the apps of a config file, a script (with --name and -- args), or a stopped app by name',
  builder: (y) => y
    .positional('target', { type: 'string', describe: 'bulwark.yml, ecosystem.config.js, a script, or an app name' })
    .option('name', { type: 'string', describe: 'app name when starting a script' })
    .option('force', { alias: 'f', type: 'boolean', describe: 'replace an app of the same name, or take over names another file declares' })
    .option('json', { type: 'boolean', describe: 'print the status of the started apps as JSON' })
    .option('env', { type: 'string', describe: 'merge envs.NAME (PM2: env_NAME) over each app\'s env' })
    .option('interpreter', { type: 'string', describe: 'what runs the script (node, python3, a path, or none)' })
    .example('bulwark start bulwark.yml', 'start every app in the file (a second file adds its own apps)')
    .example('bulwark start server.js --name api -- --port 3000', 'run one script; args after -- reach it as they are'),
  run: async (argv, io) => {
    const target = argv.target ?? DEFAULT_FILES.find((f) => existsSync(f));
    if (!target) { io.err(`bulwark start: name a config file, a script or an app (no ${DEFAULT_FILES.join(' or ')} here)`); return EXIT.USAGE; }
    if (!isFileTarget(target)) {
      if (isConfigFileName(target) || target.includes('/')) { io.err(`bulwark start: ${target}: no such file`); return EXIT.USAGE; }
      return startByName(target, io);
    }
    return startFile(target, argv, io, bootDaemonEarly(homePaths()));
  },
};

/** Whether `start TARGET` names a file (a config or a script), not an app. */
function isFileTarget(target: string): boolean {
  return existsSync(target) && statSync(target).isFile();
}

/**
 * `start FILE`: reads and checks it while `booting` (a daemon that has to be started boots
 * meanwhile: bootDaemonEarly), then applies it. main.ts's fast path boots before this module loads.
 */
export async function startFile(target: string, argv: Args, io: CliIO, booting: Promise<EarlyDaemon>): Promise<number> {
  const daemon = await booting;
  let req: ApplyRequest;
  try {
    req = await loadTarget(target, argv, io);
  } catch (err) {
    daemon.cancel();
    if (!(err instanceof ConfigError)) throw err;
    for (const issue of err.issues) io.err(formatIssue(issue));
    io.err(`${err.issues.length} error(s); nothing was started`);
    return EXIT.CONFIG;
  }
  const name = req.create ? req.config.apps[0]!.name : '';
  return applyConfig(req, io, {
    daemon,
    json: argv.json,
    clashHint: req.create
      ? `\`bulwark restart ${name}\` restarts it, \`bulwark start ${name}\` starts it if stopped; add --force (-f) to replace it with this script and these arguments`
      : `rename it in one file, \`bulwark delete <name>\` first, add --force (-f) to move it to ${target}, or \`bulwark apply ${target} --replace\` to run only this file`,
  });
}

/** `start NAME`: a stopped or errored app starts; an online one is left alone (exit 0). */
function startByName(name: string, io: CliIO): Promise<number> {
  return withDaemon(io, async (c) => {
    const { names, already } = await c.request<{ names: string[]; already: string[] }>('start', { name });
    for (const n of already) io.out(`${n} is already online (\`bulwark restart ${n}\` restarts it)`);
    const started = names.filter((n) => !already.includes(n));
    if (started.length === 0) return EXIT.OK;
    io.out(`started ${started.join(', ')}`);
    const { outcomes } = await c.request<{ outcomes: StartOutcome[] }>('settle', { names: started });
    return reportOutcomes(io, outcomes);
  });
}

/** Exported for the test that `start`, `config check` and `import pm2` agree on what a file is. */
export async function loadTarget(target: string, argv: Args, io: CliIO): Promise<ApplyRequest> {
  const checks = { checkApp: runnableChecker() };
  if (isConfigFileName(target)) {
    const loaded = await loadConfigFile(target, process.env, { ...checks, envName: argv.env });
    for (const w of loaded.warnings) io.err(`warning: ${w}`);
    return {
      config: loaded.config, declared: loaded.declared ?? ['*'], source: { id: loaded.file, label: loaded.file }, force: argv.force === true,
      origin: { cwd: process.cwd(), envName: argv.env },
    };
  }
  const script = resolve(target);
  const name = argv.name ?? basename(script, extname(script));
  // Arguments after `--` are the app's, verbatim (main.ts keeps yargs from turning them into numbers).
  const args = (argv['--'] ?? []).map(String);
  const app = { name, script, args, cwd: process.cwd(), ...(argv.interpreter !== undefined ? { interpreter: argv.interpreter } : {}) };
  // Nothing on the command line is ${VAR}-expanded: the shell already did what the user asked for.
  const config = validateConfig({ apps: [app] }, '(command line)', process.env, undefined, { ...checks, expandEnv: false });
  return {
    config, declared: ['apps'], create: true, force: argv.force === true,
    source: { id: `cli:${name}`, label: `the command line (${script})` },
  };
}

export default start;
