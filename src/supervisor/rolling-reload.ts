// `bulwark reload`: replaces an app's instances one at a time without a moment where its port has
// nobody behind it. For each instance: start a new process beside the old one (the next
// generation, same index), wait until it is ready (readiness.ts, required here), swap it into the
// slot, then stop the old one gracefully (a cluster worker closes its servers first and finishes
// what it accepted; then the signal or shutdown message, kill_timeout, SIGKILL of its cgroup).
// The next instance starts while the old one drains; the reload ends when every old one is gone.
// This needs a port the instances share through the daemon (cluster mode or `listen:`); the
// daemon's socket never closes, so connections wait in its backlog whatever the instances do.
// An app that binds its own port cannot run two at once: its reload is a restart, and says so.
//
// A new instance that does not get ready (crashes, exits, or listen_timeout runs out) stops the
// reload: it is stopped and dropped, the old instances keep serving, a `reload-failed` event
// (and alert) says why, and the caller gets ERELOAD.
import { DEFAULT_LISTEN_TIMEOUT_MS, stopTimeout } from '../config/schema/cluster.js';
import type { AppConfig } from '../config/schema/index.js';
import { formatDuration } from '../common/units.js';
import { SupervisorError } from './errors.js';
import { describeExit } from './exit-report.js';
import type { Instance, SpawnResult } from './instance.js';

export interface ReloadOutcome {
  /** `rolling`: new instances started before old ones stopped; `restart`: stop then start. */
  mode: 'rolling' | 'restart';
  /** How many instances were replaced (or restarted). */
  instances: number;
  ms: number;
}

/** What the reload needs from its app (app-process.ts). */
export interface ReloadHost {
  readonly config: AppConfig;
  slots(): readonly Instance[];
  /** A new Instance for `index` (the next generation), not yet in the slots. */
  candidate(index: number): Instance;
  swap(index: number, next: Instance): void;
  /** Stops a replaced instance gracefully and frees its cgroup. */
  retire(old: Instance, reason: string): Promise<void>;
  /** Stop-then-start of one instance in its slot (a down instance is just started). */
  restartInPlace(inst: Instance, reason: string): Promise<void>;
  /** An app-level event (no instance): `reload`. */
  appNote(kind: 'reload', reason: string): void;
}

export async function rollingReload(app: ReloadHost, overlap: boolean): Promise<ReloadOutcome> {
  const began = Date.now();
  const count = app.slots().length;
  const retiring: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const old = app.slots()[i]!;
    if (!overlap || old.run === null || old.state !== 'online') {
      await app.restartInPlace(old, overlap ? 'reload: it was not online, started again' : 'reload (a restart: the app does not share its port through bulwark)');
      continue;
    }
    const next = app.candidate(i);
    const oldPid = old.run.pid;
    let result: SpawnResult;
    let spawnError = '';
    try {
      result = await next.spawn('start', `reload: replaces pid ${oldPid}`, 'user', old);
    } catch (err) {
      result = 'ended';
      spawnError = (err as Error).message;
    }
    if (result !== 'online') {
      const why = await failure(app.config, next, result, spawnError);
      next.release();
      const reason = `reload of ${app.config.name} stopped at instance ${i}: ${why}; instance ${i} (pid ${oldPid}) and the others keep serving`;
      next.note('reload-failed', reason, { pid: next.lastPid ?? oldPid });
      await Promise.all(retiring);
      throw new SupervisorError('ERELOAD', reason);
    }
    app.swap(i, next);
    const retired = app.retire(old, `reload: replaced by pid ${next.run!.pid}`);
    retired.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    retiring.push(retired);
  }
  await Promise.all(retiring);
  const ms = Date.now() - began;
  app.appNote('reload', `${overlap ? 'rolling reload' : 'reload as a restart'}: ${count} instance${count === 1 ? '' : 's'} in ${ms} ms`);
  return { mode: overlap ? 'rolling' : 'restart', instances: count, ms };
}

/** Why a new instance failed, after making sure it is gone (a late one is stopped here). */
async function failure(cfg: AppConfig, next: Instance, result: SpawnResult, spawnError: string): Promise<string> {
  if (result === 'not-ready' && next.run !== null) {
    const limit = formatDuration(cfg.listen_timeout ?? DEFAULT_LISTEN_TIMEOUT_MS);
    const exit = await next.stopRun('timeout', `not ready within listen_timeout ${limit}: stopping it`, 'user', stopTimeout(cfg));
    next.transition('stopped', 'dead', `stopped (${describeExit(exit)})`, { code: exit.code, signal: exit.signal });
    return `the new instance (pid ${next.lastPid}) was not ready within listen_timeout ${limit}`;
  }
  if (spawnError !== '') return `the new instance could not be started: ${spawnError}`;
  const exit = next.lastExit;
  return `the new instance (pid ${next.lastPid}) ${exit === null ? 'ended' : `exited (${describeExit(exit)})`} before it was ready`;
}
