// One daemon per home: the pid file is created exclusively; a stale one (its process gone, or not a
// bulwark daemon any more) is taken over, a live one refuses the second daemon with a clear message.
import { readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { openOwnFile } from '../common/private-file.js';

export class DaemonRunningError extends Error {
  readonly code = 'EDAEMONRUNNING';
  constructor(readonly pid: number, home: string) {
    super(`another bulwark daemon (pid ${pid}) is already running for ${home}; use \`bulwark kill\` to stop it or set BULWARK_HOME to run a separate one`);
  }
}

export function acquireDaemonLock(pidFile: string, home: string): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openOwnFile(pidFile, 'exclusive');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readPid(pidFile);
    if (owner !== null && owner !== process.pid && isBulwarkDaemon(owner)) throw new DaemonRunningError(owner, home);
    try { unlinkSync(pidFile); } catch { /* raced with another starter */ }
  }
  throw new Error(`could not take ${pidFile}; another daemon may be starting`);
}

export function releaseDaemonLock(pidFile: string): void {
  if (readPid(pidFile) === process.pid) {
    try { unlinkSync(pidFile); } catch { /* already gone */ }
  }
}

export function readPid(pidFile: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isBulwarkDaemon(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes('daemon') && argv.some((a) => a.includes('bulwark') || a.endsWith('main.js'));
  } catch {
    return false; // no such process
  }
}
