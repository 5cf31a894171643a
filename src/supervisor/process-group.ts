// Each app runs in its own process group (spawned detached => setsid), so one kill(-pgid)
// reaches the app and every grandchild that did not leave the group.
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { listGroupMembers } from './proc-stat.js';

/** Sends `signal` to the whole group; false when no process of the group is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
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

/** Resolves true once `leaderExit` settled and no member of the group is alive; false at `deadline`. */
async function waitGroupGone(pgid: number, leaderExit: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now())); });
  const leaderDone = await Promise.race([leaderExit.then(() => true as const), timedOut]);
  clearTimeout(timer);
  if (!leaderDone) return false;
  // The leader is gone; grandchildren may still be dying. Cheap kill(0) polling, rare /proc scans.
  while (signalGroup(pgid, 0)) {
    if (!isGroupAlive(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
  return true;
}

export interface GroupEnd {
  /** True when the group outlived `graceMs` and was SIGKILLed. */
  escalated: boolean;
}

/**
 * Stop = `signal` to the group, wait up to `graceMs` for the leader's exit and the group to empty,
 * then SIGKILL the group and wait again (bounded: a process in D state can outlive SIGKILL).
 */
export async function endGroup(pgid: number, signal: NodeJS.Signals, graceMs: number, leaderExit: Promise<unknown>): Promise<GroupEnd> {
  if (signal === 'SIGKILL' || graceMs <= 0) {
    signalGroup(pgid, 'SIGKILL');
    await waitGroupGone(pgid, leaderExit, Date.now() + 5_000);
    return { escalated: signal !== 'SIGKILL' };
  }
  signalGroup(pgid, signal);
  if (await waitGroupGone(pgid, leaderExit, Date.now() + graceMs)) return { escalated: false };
  signalGroup(pgid, 'SIGKILL');
  await waitGroupGone(pgid, leaderExit, Date.now() + 5_000);
  return { escalated: true };
}
