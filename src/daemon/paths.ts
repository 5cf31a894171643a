// The state home ($BULWARK_HOME, default ~/.bulwark) and everything in it.
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

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

/** Creates the home 0700 (and tightens it if it was looser), with logs/ and state/ inside. */
export function ensureHome(p: HomePaths): void {
  mkdirSync(p.home, { recursive: true, mode: 0o700 });
  if ((statSync(p.home).mode & 0o077) !== 0) chmodSync(p.home, 0o700);
  mkdirSync(p.logsDir, { recursive: true, mode: 0o700 });
  mkdirSync(p.stateDir, { recursive: true, mode: 0o700 });
}
