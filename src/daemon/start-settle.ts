// `start` answers only once it knows: each instance of each app it started either survived its restart.minUptime
// (PM2's min_uptime: a shorter run is a failed start) or ended, and then the report says how (exit
// code or signal, and the stderr lines that explain a crash). Waits are capped so a long minUptime
// does not hold the terminal.
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppState } from '../events/types.js';
import type { ExitReport } from '../supervisor/last-exit.js';
import type { Supervisor } from '../supervisor/supervisor.js';

/** The longest `start` waits for one app to prove itself. */
export const SETTLE_CAP_MS = 10_000;
const POLL_MS = 20;

export interface StartOutcome {
  name: string;
  /**
   * running: every instance up for minUptime (or the cap); failed: an instance's run ended (or
   * never began) before that; stopped: it ended and stays down (a clean exit its policy does not
   * restart, or a stop meanwhile); gone: deleted meanwhile.
   */
  result: 'running' | 'failed' | 'stopped' | 'gone';
  /** The instance the result is about (the one that failed or stopped; 0 when all run). */
  instance: number;
  /** How many instances the app runs. */
  instances: number;
  state: AppState | null;
  pid: number | null;
  minUptimeMs: number;
  maxRestarts: number;
  exit: ExitReport | null;
}

export function settle(sup: Supervisor, names: readonly string[], capMs = SETTLE_CAP_MS): Promise<StartOutcome[]> {
  return Promise.all(names.map((n) => settleOne(sup, n, capMs)));
}

async function settleOne(sup: Supervisor, name: string, capMs: number): Promise<StartOutcome> {
  if (!sup.has(name)) return gone(name);
  const { restart } = sup.config(name);
  const need = Math.min(restart.minUptime, capMs);
  const first = new Map(sup.status(name).map((s) => [s.instance, s]));
  const outcome = (result: StartOutcome['result'], instance: number, exit: ExitReport | null): StartOutcome => {
    const rows = sup.has(name) ? sup.status(name) : [];
    const s = rows.find((r) => r.instance === instance) ?? null;
    return { name, result, instance, instances: rows.length, state: s?.state ?? null, pid: s?.pid ?? null, minUptimeMs: restart.minUptime, maxRestarts: restart.maxRestarts, exit };
  };
  for (;;) {
    if (!sup.has(name)) return gone(name);
    const rows = sup.status(name);
    for (const s of rows) {
      const f = first.get(s.instance);
      const sameRun = f !== undefined && s.pid !== null && s.pid === f.pid && s.restarts === f.restarts;
      if (!sameRun || s.state === 'backoff' || s.state === 'errored' || s.state === 'stopped') {
        const exit = await sup.exitReport(name, s.instance);
        const down = sup.has(name) && sup.status(name).find((r) => r.instance === s.instance)?.state === 'stopped';
        return outcome(down ? 'stopped' : 'failed', s.instance, exit);
      }
    }
    if (rows.every((s) => s.state === 'online' && s.uptimeMs >= need)) return outcome('running', 0, null);
    await sleep(POLL_MS);
  }
}

function gone(name: string): StartOutcome {
  return { name, result: 'gone', instance: 0, instances: 0, state: null, pid: null, minUptimeMs: 0, maxRestarts: 0, exit: null };
}
