// bulwark's CLI entry. Commands are loaded only when invoked. `bulwark status` must answer in about
// the time Node takes to start: bin/bulwark sends it to an entry of its own (status-main.ts), which
// comes here only for the forms that need yargs (--help, a wrong flag).
import { existsSync, statSync } from 'node:fs';
import type { BulwarkCommand } from './command.js';
import { VERSION } from '../version.js';
import { io, runEntry } from './process-io.js';
import { usageLine } from './usage-line.js';

interface CommandEntry { name: string; describe: string; load: () => Promise<{ default: BulwarkCommand<any> }> }

const COMMANDS: CommandEntry[] = [
  { name: 'start', describe: 'start the apps of a config file, a script, or a stopped app', load: () => import('./commands/start.js') },
  { name: 'apply', describe: 'start a config file as the owner of its apps and sections; --replace makes it the only one', load: () => import('./commands/apply.js') },
  { name: 'stop', describe: 'stop an app (or all) and wait for it to exit', load: () => import('./commands/stop.js') },
  { name: 'restart', describe: 'restart an app (or all)', load: () => import('./commands/restart.js') },
  { name: 'reload', describe: 'replace an app\'s instances one at a time without dropping requests', load: () => import('./commands/reload.js') },
  { name: 'scale', describe: 'run N instances of an app', load: () => import('./commands/scale.js') },
  { name: 'delete', describe: 'stop an app (or all) and forget it', load: () => import('./commands/delete.js') },
  { name: 'status', describe: 'show apps: pid, state, uptime, restarts, cpu, memory, last exit, health', load: () => import('./commands/status.js') },
  { name: 'describe', describe: 'everything about one app: command, env keys, logs, policy, health, limits, last exits', load: () => import('./commands/describe.js') },
  { name: 'logs', describe: "show an app's captured stdout/stderr", load: () => import('./commands/logs.js') },
  { name: 'flush', describe: "empty an app's captured stdout/stderr (all apps without a name)", load: () => import('./commands/flush.js') },
  { name: 'events', describe: 'show the event history (starts, exits, crashes, hangs, detections, alerts)', load: () => import('./commands/events.js') },
  { name: 'scan', describe: 'detect attacks in log files offline (like fail2ban-regex)', load: () => import('./commands/scan.js') },
  { name: 'offenders', describe: 'show the black book: IPs and users with counts by kind (--banned: the bans in force)', load: () => import('./commands/offenders.js') },
  { name: 'ban', describe: 'ban an address now: `ban <ip> [--for 1h] [--reason ...]`', load: () => import('./commands/ban.js') },
  { name: 'unban', describe: 'lift a ban: `unban <ip|all>`', load: () => import('./commands/unban.js') },
  { name: 'forward', describe: 'forwarding endpoints: `forward test [name]`, `forward status`', load: () => import('./commands/forward.js') },
  { name: 'alert', describe: 'alert channels: `alert test [channel]`', load: () => import('./commands/alert.js') },
  { name: 'config', describe: 'validate a config file: `config check <file>`', load: () => import('./commands/config.js') },
  { name: 'daemon', describe: 'run the daemon (systemd uses --foreground)', load: () => import('./commands/daemon.js') },
  { name: 'kill', describe: 'stop all apps, then the daemon', load: () => import('./commands/kill.js') },
  { name: 'save', describe: 'persist the app table (restored when the daemon starts)', load: () => import('./commands/save.js') },
  { name: 'resurrect', describe: 'start the saved apps that are not running', load: () => import('./commands/resurrect.js') },
  { name: 'startup', describe: 'print, install or uninstall a hardened systemd unit for the daemon', load: () => import('./commands/startup.js') },
  { name: 'monit', describe: 'live terminal view of apps (cpu, memory, state) and recent events', load: () => import('./commands/monit.js') },
  { name: 'import', describe: 'convert a PM2 ecosystem file: `import pm2 <file>`', load: () => import('./commands/import.js') },
];

async function main(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) { io.out(VERSION); return 0; }
  if (argv.length === 0) argv = ['--help'];
  const fast = await fastStart(argv) ?? await fastDaemon(argv) ?? await completeAppNames(argv);
  if (fast !== undefined) return fast;
  if (argv[0] === 'completion') argv = chooseCompletionShell(argv);

  const [{ default: yargs }, { hideBin }] = await Promise.all([import('yargs'), import('yargs/helpers')]);
  // A shell asking for completions passes its words after the flag, the program's own name first.
  const words = argv[0] === '--get-yargs-completions' ? argv.slice(2) : argv;
  const first = words.find((a) => !a.startsWith('-'));
  const chosen = COMMANDS.find((c) => c.name === first);
  if (!chosen && first === argv[0]) { // a PM2 habit (`bulwark ls`) gets the bulwark command, not a near spelling
    const hint = (await import('./pm2-commands.js')).pm2CommandHint(first);
    if (hint) { io.err(hint); return 2; }
  }
  const loaded = chosen ? (await chosen.load()).default : undefined;

  let exitCode = 0;
  const y = yargs(hideBin(['node', 'bulwark', ...argv]))
    .scriptName('bulwark')
    // Every word of bulwark's is English: yargs's own ("Options", "Show help") follow, not the
    // user's LANG, which gave a help half in one language. (The bundle carries no yargs locales.)
    .locale('en')
    .usage('bulwark <command> [options]\n\nKeeps apps alive through crashes and hangs, detects attacks in their logs, ships events to syslog.')
    .strict()
    .demandCommand(1, 'name a command (bulwark --help lists them)')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(false)
    // Arguments after `--` belong to the app: kept verbatim, never turned into numbers.
    .parserConfiguration({ 'populate--': true, 'parse-positional-numbers': false })
    .exitProcess(false)
    .completion('completion', 'print the shell completion script: `bulwark completion [bash|zsh] >> ~/.bashrc`')
    .fail((msg, err) => {
      if (err instanceof Error) throw err; // a .check() that returns its message passes it as err too
      // The first problem is enough; a missing argument is answered with the command's usage line.
      if (exitCode !== 2) io.err(usageLine(msg, loaded?.command) ?? `${msg}\n(see bulwark --help)`);
      exitCode = 2;
    });
  for (const c of COMMANDS) {
    if (loaded && c === chosen) {
      y.command(loaded.command, loaded.describe, loaded.builder ?? ((b) => b), async (args) => {
        if (exitCode === 2) return; // yargs reported a usage error but still calls the handler
        exitCode = await loaded.run(args as never, io);
      });
    } else {
      y.command(`${c.name}`, c.describe);
    }
  }
  await y.parseAsync();
  return exitCode;
}

/**
 * `start FILE`, the usual form, without yargs (~0.1 s to load). A daemon that has to be started
 * boots first, before the command's own modules load (~0.15 s: config schemas, YAML), so its
 * boot (~0.4 s) runs beside all of the CLI's work, not after part of it.
 */
async function fastStart(argv: string[]): Promise<number | undefined> {
  const target = argv[1];
  if (argv.length !== 2 || argv[0] !== 'start' || target!.startsWith('-')) return undefined;
  if (!existsSync(target!) || !statSync(target!).isFile()) return undefined; // an app's name: start.run
  const [{ bootDaemonEarly }, { homePaths }] = await Promise.all([import('./daemon-launcher.js'), import('../daemon/paths.js')]);
  const booting = bootDaemonEarly(homePaths());
  const { startFile } = await import('./commands/start.js');
  return startFile(target!, { target }, io, booting);
}

/** `daemon --foreground [--await-go]` without yargs: the daemon lives for months; it should not carry the CLI parser. */
async function fastDaemon(argv: string[]): Promise<number | undefined> {
  if (argv.length < 2 || argv.length > 3 || argv[0] !== 'daemon' || argv[1] !== '--foreground') return undefined;
  const { default: daemon, AWAIT_GO } = await import('./commands/daemon.js');
  if (argv.length === 3 && argv[2] !== AWAIT_GO) return undefined;
  return daemon.run({ foreground: true, awaitGo: argv.length === 3 }, io);
}

/** `completion zsh|bash` picks the script by name (yargs otherwise goes by $SHELL). */
function chooseCompletionShell(argv: string[]): string[] {
  const shell = argv[1];
  if (shell !== 'bash' && shell !== 'zsh') return argv;
  process.env.SHELL = `/bin/${shell}`;
  return ['completion', ...argv.slice(2)];
}

/** `bulwark stop <TAB>`: app names (from the capture files, so no daemon call); yargs completes the rest. */
async function completeAppNames(argv: string[]): Promise<number | undefined> {
  const [, command, current = '', ...more] = argv.slice(1); // the shell's words: bulwark, command, current
  if (argv[0] !== '--get-yargs-completions' || more.length > 0 || !APP_NAME_COMMANDS.has(command ?? '') || current.startsWith('-')) return undefined;
  const { capturedAppNames } = await import('./app-names.js');
  const all = ['stop', 'restart', 'reload', 'delete'].includes(command!) ? ['all'] : [];
  for (const name of [...all, ...capturedAppNames()]) io.out(name);
  return 0;
}

const APP_NAME_COMMANDS = new Set(['start', 'stop', 'restart', 'reload', 'scale', 'delete', 'status', 'logs', 'describe', 'flush']);

runEntry(() => main(process.argv.slice(2)));
