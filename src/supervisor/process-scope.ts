// The processes one run owns, and how a run is ended (like systemd's KillMode=control-group): the
// stop signal to every member, a grace for the leader to exit and the scope to empty, then SIGKILL
// to all and a bounded wait (a process in D state can outlive SIGKILL). Two kinds of scope: a
// cgroup (cgroup.ts), which holds every descendant, even one that called setsid; and, where no
// cgroup can be made, the process group (process-group.ts), which a child leaves with setsid.
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcessScope {
  /** For messages: "cgroup /sys/fs/cgroup/..." or "process group 1234". */
  readonly label: string;
  /** Sends `signal` to every live member. */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL to every member at once. */
  kill(): void;
  /** Whether some member still runs (zombies do not count: they hold nothing). */
  alive(): boolean;
  /** Frees what the scope holds once it is empty and no longer needed (a cgroup's directory). */
  release(): void;
}

/**
 * A run's cgroup and its process group as one scope: the leader reaches its cgroup a moment after
 * the spawn, and a process that left the cgroup's reach early may still be in the group.
 */
export function unionScope(first: ProcessScope, ...more: ProcessScope[]): ProcessScope {
  return new UnionScope([first, ...more]);
}

/** A class, not an object of closures: one per run of a thousand apps. */
class UnionScope implements ProcessScope {
  constructor(private readonly all: readonly ProcessScope[]) {}
  get label(): string { return this.all[0]!.label; }
  signal(signal: NodeJS.Signals): void { for (const s of this.all) s.signal(signal); }
  kill(): void { for (const s of this.all) s.kill(); }
  alive(): boolean { return this.all.some((s) => s.alive()); }
  release(): void { for (const s of this.all) s.release(); }
}

/** The sub-states of `stopping`: the stop signal was sent; SIGKILL was sent. */
export type StopPhase = 'stop-sigterm' | 'stop-sigkill';

/** A stop starts with SIGKILL when that is the stop signal or there is no grace for another. */
export function firstStopPhase(signal: NodeJS.Signals, graceMs: number): StopPhase {
  return signal === 'SIGKILL' || graceMs <= 0 ? 'stop-sigkill' : 'stop-sigterm';
}

/** Bound on the wait after SIGKILL. */
const KILL_WAIT_MS = 5_000;

export interface ScopeEnd {
  /** True when the stop signal was not enough (or not tried) and SIGKILL did the work. */
  escalated: boolean;
}

/**
 * Ends `scope`: `signal` (or `ask`, another way to request the stop: a shutdown message), wait up
 * to `graceMs` for `leaderExit` and an empty scope, then SIGKILL (announced through `onKill` just
 * before) and wait again. Resolves once the scope is empty or the SIGKILL wait ran out.
 */
export async function endScope(
  scope: ProcessScope, signal: NodeJS.Signals, graceMs: number, leaderExit: Promise<unknown>, onKill: () => void = () => {}, ask?: () => void,
): Promise<ScopeEnd> {
  if (firstStopPhase(signal, graceMs) === 'stop-sigterm') {
    if (ask !== undefined) ask();
    else scope.signal(signal);
    if (await waitEmpty(scope, leaderExit, Date.now() + graceMs)) return { escalated: false };
    onKill();
  }
  scope.kill();
  await waitEmpty(scope, leaderExit, Date.now() + KILL_WAIT_MS);
  return { escalated: signal !== 'SIGKILL' };
}

/** True once `leaderExit` settled and no member is alive; false at `deadline`. */
async function waitEmpty(scope: ProcessScope, leaderExit: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now())); });
  const leaderDone = await Promise.race([leaderExit.then(() => true as const), timedOut]);
  clearTimeout(timer);
  if (!leaderDone) return false;
  // The leader is gone; other members may still be dying.
  while (scope.alive()) {
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
  return true;
}
