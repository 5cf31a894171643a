// The state home ($BULWARK_HOME, default ~/.bulwark) and everything in it.
import { accessSync, chmodSync, constants, lstatSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkHomeAncestors, checkHomeDir, UnsafeHomeError } from './home-guard.js';

export interface HomePaths {
  home: string;
  socket: string;
  pidFile: string;
  daemonLog: string;
  logsDir: string;
  stateDir: string;
}

export function homePaths(home = process.env.BULWARK_HOME || join(homedir(), '.bulwark')): HomePaths {
  const h = resolve(home);
  return {
    home: h,
    socket: join(h, 'daemon.sock'),
    pidFile: join(h, 'daemon.pid'),
    daemonLog: join(h, 'bulwark.log'),
    logsDir: join(h, 'logs'),
    stateDir: join(h, 'state'),
  };
}

/** A home that cannot be created or written: one line naming BULWARK_HOME and how to set it. */
export class HomeError extends Error {
  readonly code = 'EHOME';
}

/**
 * Creates the home 0700 with logs/ and state/ inside, after checking that no one else could have
 * written it (home-guard.ts: UnsafeHomeError otherwise); a home others may only read is tightened.
 * One that cannot be created or written is a HomeError naming BULWARK_HOME.
 */
export function ensureHome(p: HomePaths): void {
  checkHomeAncestors(p.home);
  try {
    for (const dir of [p.home, p.logsDir, p.stateDir]) {
      if (!checkHomeDir(p.home, dir)) {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        checkHomeDir(p.home, dir); // what is there now is what we made (a racing symlink fails here)
      }
      if ((lstatSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
    }
    accessSync(p.home, constants.W_OK);
  } catch (err) {
    if (err instanceof UnsafeHomeError) throw err;
    throw homeError(p.home, err as NodeJS.ErrnoException);
  }
}

const HOME_PROBLEMS: Record<string, string> = {
  EEXIST: 'it (or its logs/ or state/) is a file, not a directory', ENOTDIR: 'a part of the path is a file, not a directory',
  ENOENT: 'it cannot be created there', EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'the file system is read-only', ENOSPC: 'the disk is full',
};

function homeError(home: string, err: NodeJS.ErrnoException): HomeError {
  const which = process.env.BULWARK_HOME ? `BULWARK_HOME=${home}` : `BULWARK_HOME (default ${home})`;
  const why = HOME_PROBLEMS[err.code ?? ''] ?? err.message;
  return new HomeError(`cannot use ${which}: ${why}; set BULWARK_HOME to a directory you can write, e.g. \`export BULWARK_HOME=$HOME/.bulwark\``);
}
