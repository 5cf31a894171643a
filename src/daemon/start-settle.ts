// `start` answers only once it knows: each app it started either survived its restart.minUptime
// (PM2's min_uptime: a shorter run is a failed start) or ended, and then the report says how (exit
// code or signal, and the stderr lines that explain a crash). Waits are capped so a long minUptime
// does not hold the terminal.
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppState } from '../events/types.js';
import type { ExitReport } from '../supervisor/app-process.js';
import type { Supervisor } from '../supervisor/supervisor.js';

/** The longest `start` waits for one app to prove itself. */
export const SETTLE_CAP_MS = 10_000;
const POLL_MS = 20;

export interface StartOutcome {
  name: string;
  /**
   * running: up for minUptime (or the cap); failed: its run ended (or never began) before that;
   * stopped: it ended and stays down (a clean exit its policy does not restart, or a stop meanwhile);
   * gone: deleted meanwhile.
   */
  result: 'running' | 'failed' | 'stopped' | 'gone';
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
  const first = sup.status(name)[0]!;
  const outcome = (result: StartOutcome['result'], exit: ExitReport | null): StartOutcome => {
    const s = sup.has(name) ? sup.status(name)[0]! : null;
    return { name, result, state: s?.state ?? null, pid: s?.pid ?? null, minUptimeMs: restart.minUptime, maxRestarts: restart.maxRestarts, exit };
  };
  for (;;) {
    if (!sup.has(name)) return gone(name);
    const s = sup.status(name)[0]!;
    const sameRun = s.pid !== null && s.pid === first.pid && s.restarts === first.restarts;
    if (sameRun && s.state === 'online' && s.uptimeMs >= need) return outcome('running', null);
    if (!sameRun || s.state === 'backoff' || s.state === 'errored' || s.state === 'stopped') {
      const exit = await sup.exitReport(name);
      const down = sup.has(name) && sup.status(name)[0]!.state === 'stopped';
      return outcome(down ? 'stopped' : 'failed', exit);
    }
    await sleep(POLL_MS);
  }
}

function gone(name: string): StartOutcome {
  return { name, result: 'gone', state: null, pid: null, minUptimeMs: 0, maxRestarts: 0, exit: null };
}
