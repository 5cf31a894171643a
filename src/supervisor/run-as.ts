// Who an app runs as, and with what environment. `user`/`group` (PM2's uid/gid) switch the app to
// another account, which needs a root daemon; the app gets that user's HOME, USER and LOGNAME, as
// systemd's User= and `sudo -u` give them. BULWARK_HOME is not passed on unless the app's own `env`
// sets it: an app that finds the control socket can command the daemon (and, under a root daemon,
// every other app).
import type { AppConfig } from '../config/schema/index.js';
import { lookupGroup, lookupUser } from '../common/accounts.js';

export interface RunAs {
  uid?: number;
  gid?: number;
  env: NodeJS.ProcessEnv;
}

export class RunAsError extends Error {
  /** Reported like a config error: the config asks for something this daemon cannot do. */
  readonly code = 'ECONFIG';
}

/**
 * Precedence of the environment: the app's `env`, then the interpreter's defaults, the user's
 * identity, the caller's shell (`start`), the daemon's.
 */
export function runAs(app: AppConfig, interpreterEnv: Record<string, string> = {}): RunAs {
  const inherited = inheritedEnv(app.callerEnv);
  if (app.user === undefined && app.group === undefined) return { env: { ...inherited, ...interpreterEnv, ...app.env } };
  const where = `app "${app.name}"`;
  const user = app.user === undefined ? null : lookupUser(app.user);
  if (app.user !== undefined && user === null && (typeof app.user === 'string' || app.group === undefined)) {
    throw new RunAsError(`${where}: no user ${JSON.stringify(app.user)} on this host${typeof app.user === 'number' ? ' (a uid without an account needs `group` too)' : ''}`);
  }
  const group = app.group === undefined ? null : lookupGroup(app.group);
  if (app.group !== undefined && group === null && typeof app.group === 'string') throw new RunAsError(`${where}: no group ${JSON.stringify(app.group)} on this host`);
  const uid = app.user === undefined ? undefined : user?.uid ?? (app.user as number);
  const gid = group?.gid ?? (typeof app.group === 'number' ? app.group : user?.gid);
  const euid = process.geteuid?.() ?? 0;
  const switching = (uid !== undefined && uid !== euid) || (gid !== undefined && gid !== process.getegid?.());
  if (switching && euid !== 0) {
    throw new RunAsError(`${where}: running as ${[app.user !== undefined && `user ${app.user}`, app.group !== undefined && `group ${app.group}`].filter(Boolean).join(' and ')} needs a daemon started as root (this one runs as uid ${euid}); drop user/group or run the daemon as root`);
  }
  const identity = user ? { HOME: user.home, USER: user.name, LOGNAME: user.name } : {};
  return { uid, gid, env: { ...inherited, ...identity, ...interpreterEnv, ...app.env } };
}

/**
 * The daemon's environment under the caller's, without BULWARK_HOME: the same for every app of one
 * `start` (their callerEnv is one shared object, shared-env.ts) and for every restart of an app, so
 * the last one built is kept (one, so memory does not grow with the number of callers): two copies
 * of ~50 variables, the first through process.env's C++ interceptors, ~0.15 ms on the path from an
 * app's exit to its next start. The daemon does not change its own environment once it runs
 * (node-flags.ts drops its malloc settings before the first app), so it is copied once.
 */
let ownEnvCopy: NodeJS.ProcessEnv | null = null;
let lastInherited: { caller: object; env: NodeJS.ProcessEnv } | null = null;
const NO_CALLER = {};

function inheritedEnv(callerEnv: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const caller = callerEnv ?? NO_CALLER;
  if (lastInherited?.caller !== caller) {
    lastInherited = { caller, env: { ...withoutHome(ownEnvCopy ??= { ...process.env }), ...withoutHome(callerEnv ?? {}) } };
  }
  return lastInherited.env;
}

function withoutHome(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { BULWARK_HOME: _home, ...rest } = env;
  return rest;
}
