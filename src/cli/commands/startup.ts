// `bulwark startup systemd [--user] [--install | --uninstall]`: print (or install, or remove) a
// hardened unit for the daemon.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, lstatSync, readdirSync, readFileSync, realpathSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BulwarkCommand, CliIO } from '../command.js';
import { EXIT } from '../command.js';
import { parseDuration } from '../../common/units.js';
import { ConfigError, formatIssue } from '../../config/errors.js';
import {
  banCapabilities, installCommands, renderSystemdUnit, runsAsRoot, uninstallCommands, unitInstallPath, wantsLinkPath, UNIT_NAME, type FsProtection, type UnitScope,
} from '../../daemon/systemd-unit.js';
import { lookupUser } from '../../common/accounts.js';
import type { BulwarkConfig } from '../../config/schema/index.js';

interface StartupArgs {
  init: string;
  user?: boolean;
  install?: boolean;
  uninstall?: boolean;
  home?: string;
  runAs?: string;
  config?: string;
  stopTimeout?: string;
  protect?: FsProtection;
  writableHomes?: boolean;
  rw?: string[];
  cap?: string[];
  systemdVersion?: number;
  unitDir?: string;
}

const DEFAULT_STOP_TIMEOUT_MS = 10_000; // the apps' default stop.timeout
/** The dedicated system user a system unit runs as unless --run-as says otherwise. */
const DEDICATED_USER = 'bulwark';
const DEDICATED_HOME = '/var/lib/bulwark';
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const startup: BulwarkCommand<StartupArgs> = {
  command: 'startup <init>',
  describe: 'print (or --install) a hardened systemd unit that runs `bulwark daemon --foreground`',
  builder: (y) => y
    .positional('init', { choices: ['systemd'] as const, describe: 'init system' })
    .option('user', { type: 'boolean', describe: 'a user unit (~/.config/systemd/user), run by `systemctl --user`' })
    .option('install', { type: 'boolean', describe: 'write the unit and print the systemctl commands to run' })
    .option('uninstall', { type: 'boolean', conflicts: 'install', describe: 'remove the installed unit and its enablement (PM2\'s unstartup)' })
    .option('home', { type: 'string', describe: 'BULWARK_HOME for the daemon (default: $BULWARK_HOME or ~/.bulwark of the user it runs as)' })
    .option('run-as', { alias: 'u', type: 'string', describe: `User= for a system unit (default: a dedicated "${DEDICATED_USER}" user, created by --install; "root" for apps with their own user/group)` })
    .option('cap', { type: 'string', array: true, describe: 'a capability the daemon and its apps keep, e.g. CAP_NET_BIND_SERVICE for ports below 1024' })
    .option('config', { type: 'string', describe: 'read app stop timeouts and working directories from this config (else from the saved app table in the home)' })
    .option('stop-timeout', { type: 'string', describe: 'largest stop timeout of the apps (e.g. 30s); TimeoutStopSec is set above it' })
    .option('protect', {
      choices: ['full', 'strict', 'off'] as const, default: 'full' as const,
      describe: 'filesystem protection: full = /usr,/etc,/boot read-only; strict = everything read-only except the home, app dirs and --rw paths; off',
    })
    .option('writable-homes', { type: 'boolean', describe: 'leave /home and /root writable (ProtectHome=no) for apps that write into home directories' })
    .option('rw', { type: 'string', array: true, describe: 'more paths the apps may write (ReadWritePaths=)' })
    .option('systemd-version', { type: 'number', describe: 'systemd version of the target host (default: detected); >= 254 enables RestartSteps backoff' })
    .option('unit-dir', { type: 'string', describe: 'write the unit here instead of the standard directory (with --install)', hidden: true }),
  async run(argv, io) {
    if (argv.init !== 'systemd') {
      io.err(`startup: unsupported init system "${argv.init}" (supported: systemd)`);
      return EXIT.USAGE;
    }
    const scope: UnitScope = argv.user ? 'user' : 'system';
    if (argv.uninstall) return uninstall(scope, argv.unitDir, io);
    if (scope === 'user' && argv.runAs) {
      io.err('startup: --run-as is for system units; a user unit runs as the user whose `systemctl --user` starts it');
      return EXIT.USAGE;
    }
    const runAs = scope === 'system' ? argv.runAs ?? DEDICATED_USER : undefined;
    const root = runsAsRoot({ runAs });
    const dedicated = runAs === DEDICATED_USER;
    // The dedicated user's home is systemd's StateDirectory, created for it before each start.
    const runAsHome = root ? homedir() : lookupUser(runAs!)?.home ?? (dedicated ? DEDICATED_HOME : undefined);
    if (runAsHome === undefined && !argv.home) {
      io.err(`startup: no user "${runAs}" on this host; create it or pass --home`);
      return EXIT.USAGE;
    }
    const home = resolve(argv.home ?? (root ? process.env.BULWARK_HOME || join(homedir(), '.bulwark') : join(runAsHome!, '.bulwark')));
    const caps = (argv.cap ?? []).map((c) => c.toUpperCase());
    const badCap = caps.find((c) => !/^CAP_[A-Z_]+$/.test(c));
    if (badCap !== undefined) {
      io.err(`startup: --cap expects a capability name like CAP_NET_BIND_SERVICE, got "${badCap}"`);
      return EXIT.USAGE;
    }

    let apps: AppFacts;
    try {
      apps = argv.config ? await appsFromConfig(argv.config) : appsFromTable(home);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const i of err.issues) io.err(formatIssue(i));
      return EXIT.CONFIG;
    }
    let maxStop = apps.maxStopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    if (argv.stopTimeout !== undefined) {
      const ms = parseDuration(argv.stopTimeout);
      if (ms === undefined) {
        io.err(`startup: --stop-timeout expects a duration like 30s, got "${argv.stopTimeout}"`);
        return EXIT.USAGE;
      }
      maxStop = ms;
    }

    const nodePath = process.execPath;
    const unit = renderSystemdUnit({
      scope, nodePath, bulwarkBin: findBulwarkBin(), home, runAs,
      capabilities: [...new Set([...caps, ...apps.capabilities])],
      stateDirectory: dedicated && home.startsWith(`${DEDICATED_HOME}/`) ? 'bulwark' : undefined,
      maxStopTimeoutMs: maxStop, systemdVersion: argv.systemdVersion ?? detectSystemdVersion(),
      protection: argv.protect ?? 'full', writableHomes: argv.writableHomes,
      appDirs: apps.dirs, writablePaths: (argv.rw ?? []).map((p) => resolve(p)),
      path: [...new Set([dirname(nodePath), ...SYSTEM_PATH.split(':')])].join(':'),
    });
    if (scope === 'user' && apps.capabilities.length > 0) {
      io.err(`startup: warning: the config bans with nftables, which needs ${apps.capabilities.join(' ')}; a user unit cannot grant it (use a system unit)`);
    }
    if (!argv.install) {
      io.out(unit);
      return EXIT.OK;
    }

    const target = argv.unitDir ? join(resolve(argv.unitDir), UNIT_NAME) : unitInstallPath(scope);
    try {
      if (dedicated && lookupUser(DEDICATED_USER) === null) createDedicatedUser();
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, unit, { mode: 0o644 });
      // ReadWritePaths= needs the home to exist before the first start.
      const owner = root ? undefined : lookupUser(runAs!);
      for (const dir of [...(dedicated && home.startsWith(`${DEDICATED_HOME}/`) ? [DEDICATED_HOME] : []), home]) {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        chmodSync(dir, 0o700);
        if (owner) chownSync(dir, owner.uid, owner.gid);
      }
    } catch (err) {
      io.err(`startup: cannot write ${target}: ${(err as Error).message}${scope === 'system' ? ' (system units need root: try sudo, or --user)' : ''}`);
      return EXIT.FAILURE;
    }
    io.out(`wrote ${target}\nnow run:\n${installCommands(scope, runAs).map((c) => `  ${c}`).join('\n')}`);
    if (scope === 'system' && !root) {
      io.out(`The daemon and its apps run as "${runAs}" (no capabilities${caps.length ? ` but ${caps.join(', ')}` : ''}): give it read access to the apps' directories,\nand talk to it as that user, e.g.  sudo -u ${runAs} BULWARK_HOME=${home} bulwark start /srv/app/bulwark.yml && sudo -u ${runAs} BULWARK_HOME=${home} bulwark save`);
    }
    return EXIT.OK;
  },
};

export default startup;

/** Removes the unit and the link `enable` made (what `systemctl disable` does), then says what to run. */
function uninstall(scope: UnitScope, unitDir: string | undefined, io: CliIO): number {
  const target = unitDir ? join(resolve(unitDir), UNIT_NAME) : unitInstallPath(scope);
  if (!existsSync(target)) {
    io.out(`no unit at ${target}: nothing to remove`);
    return EXIT.OK;
  }
  const link = wantsLinkPath(target, scope);
  try {
    const linked = existsSync(link) || isLink(link);
    if (linked) unlinkSync(link);
    unlinkSync(target);
    io.out(`removed ${target}${linked ? ` and ${link}` : ''}\nnow run:\n${uninstallCommands(scope).map((c) => `  ${c}`).join('\n')}`);
  } catch (err) {
    io.err(`startup: cannot remove ${target}: ${(err as Error).message}${scope === 'system' ? ' (system units need root: try sudo)' : ''}`);
    return EXIT.FAILURE;
  }
  io.out('the saved app table stays: `bulwark save --clear` forgets it');
  return EXIT.OK;
}

function isLink(p: string): boolean {
  try { return lstatSync(p).isSymbolicLink(); } catch { return false; }
}

interface AppFacts { maxStopTimeoutMs?: number; dirs: string[]; capabilities: string[] }

async function appsFromConfig(file: string): Promise<AppFacts> {
  const { loadConfigFile } = await import('../../config/load.js');
  const { config } = await loadConfigFile(file);
  return { ...facts(config.apps), capabilities: unitCapabilities(config.security) };
}

/** Capabilities the config needs in the unit (only bans need one: banCapabilities). */
export function unitCapabilities(security: BulwarkConfig['security'] | undefined): string[] {
  return banCapabilities((security as { ban?: Parameters<typeof banCapabilities>[0] } | undefined)?.ban);
}

/** A system user with no login shell and no password, its home the unit's StateDirectory. */
function createDedicatedUser(): void {
  execFileSync('useradd', ['--system', '--user-group', '--home-dir', DEDICATED_HOME, '--no-create-home', '--shell', '/usr/sbin/nologin',
    '--comment', 'bulwark process supervisor', DEDICATED_USER], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
}

/** The saved app table (state/apps.json) and the live one (state/current.json), when present. */
function appsFromTable(home: string): AppFacts {
  const stateDir = join(home, 'state');
  const apps: { stop?: { timeout?: unknown }; kill_timeout?: unknown; cwd?: unknown }[] = [];
  const capabilities: string[] = [];
  if (!existsSync(stateDir)) return { dirs: [], capabilities };
  for (const name of readdirSync(stateDir)) {
    if (name !== 'apps.json' && name !== 'current.json') continue;
    try {
      const table = JSON.parse(readFileSync(join(stateDir, name), 'utf8')) as { config?: { apps?: unknown; security?: unknown } };
      if (Array.isArray(table.config?.apps)) apps.push(...(table.config.apps as typeof apps));
      if (typeof table.config?.security === 'object' && table.config.security !== null) capabilities.push(...unitCapabilities(table.config.security as BulwarkConfig['security']));
    } catch { /* unreadable table: fall back to defaults, the unit stays valid */ }
  }
  return { ...facts(apps), capabilities: [...new Set(capabilities)] };
}

function facts(apps: { stop?: { timeout?: unknown }; kill_timeout?: unknown; cwd?: unknown }[]): Omit<AppFacts, 'capabilities'> {
  const timeouts = apps.map((a) => a.kill_timeout ?? a.stop?.timeout).filter((t): t is number => typeof t === 'number');
  return {
    maxStopTimeoutMs: timeouts.length > 0 ? Math.max(...timeouts) : undefined,
    dirs: [...new Set(apps.map((a) => a.cwd).filter((c): c is string => typeof c === 'string'))],
  };
}

/** The major systemd version on this host, or undefined when systemd is absent. */
export function detectSystemdVersion(): number | undefined {
  for (const tool of ['systemctl', 'systemd-analyze']) {
    try {
      const out = execFileSync(tool, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
      const m = /^systemd (\d+)/m.exec(out);
      if (m) return Number(m[1]);
    } catch { /* try the next tool */ }
  }
  return undefined;
}

/** bin/bulwark of this installation, found from this module (works from dist/ and from src/ via tsx). */
function findBulwarkBin(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'bin', 'bulwark');
    if (existsSync(candidate)) return realpathSync(candidate);
    dir = dirname(dir);
  }
  return resolve(process.argv[1] ?? 'bulwark');
}
