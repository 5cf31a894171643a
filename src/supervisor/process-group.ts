// Each app runs in its own process group (spawned detached => setsid), so one kill(-pgid) reaches
// the app and every grandchild that did not leave the group. Where a cgroup can be made it is the
// scope that counts (cgroup.ts); the group is the fallback, and a child that calls setsid or
// setpgid leaves it.
import { existsSync } from 'node:fs';
import { listGroupMembers } from './proc-stat.js';
import type { ProcessScope } from './process-scope.js';

/** Sends `signal` to the whole group; false when no process of the group is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  // ESRCH, the usual answer (every exit asks whether the group is empty before the respawn), comes
  // as an error Node throws: without its stack trace it costs a third. Other errors keep their
  // message ("kill EPERM"), which is all that is reported of them.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

export function isGroupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  // kill(0) also answers for zombies nobody reaps yet (e.g. under a PID 1 that never waits):
  // they hold no resources, so only live members count.
  return listGroupMembers(pgid).length > 0 || !procAvailable();
}

const hasProc = existsSync('/proc/self/stat');
function procAvailable(): boolean {
  return hasProc;
}

/** A run's process group as its scope (the leader's pid is the pgid). */
export class GroupScope implements ProcessScope {
  readonly label: string;

  constructor(readonly pgid: number) {
    this.label = `process group ${pgid}`;
  }

  signal(signal: NodeJS.Signals): void {
    signalGroup(this.pgid, signal);
  }

  kill(): void {
    signalGroup(this.pgid, 'SIGKILL');
  }

  alive(): boolean {
    return isGroupAlive(this.pgid);
  }

  release(): void {
    // nothing to free: a group ends with its last member
  }
}
