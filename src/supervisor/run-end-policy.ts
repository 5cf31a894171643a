// What follows the end of a run (an exit, a crash, a hang or limit kill), per instance: its restart
// policy decides between a final state, giving up (errored: maxRestarts failed starts in a row)
// and a respawn after backoff; the instance carries it out and says so in its events.
import { formatDuration } from '../common/units.js';
import type { AppConfig } from '../config/schema/index.js';
import type { EventExtra, Instance } from './instance.js';
import type { ExitRecord } from './run-context.js';

/** How a run ended, as the policy sees it. */
export interface RunEnd {
  clean: boolean;
  kind: 'exit' | 'crash' | 'backoff';
  reason: string;
  exit: Pick<ExitRecord, 'code' | 'signal'>;
  uptimeMs: number;
  probe?: string;
}

/** Backoff and `respawn(reason)` when it is over, or a final state. */
export function afterRunEnd(inst: Instance, restart: AppConfig['restart'], end: RunEnd, respawn: (reason: string) => void): void {
  const { clean, kind, reason, exit, uptimeMs, probe } = end;
  const extra: EventExtra = { code: exit.code, signal: exit.signal, ...(inst.lastPid !== null ? { pid: inst.lastPid } : {}), ...(probe !== undefined ? { probe } : {}) };
  const policy = inst.policy;
  if (!policy.wants(clean)) {
    inst.transition(kind, clean ? 'dead' : 'failed', `${reason}; restart policy "${restart.policy}": not restarting`, extra);
    return;
  }
  const verdict = policy.next(uptimeMs);
  if (!verdict.restart) {
    // Errored hook: maxRestarts failed starts in a row. The transition, then the `errored` event alerts hear.
    const why = `gave up: ${verdict.reason}; no more restarts until started again`;
    inst.pushError(why);
    inst.transition(kind, 'failed', `${reason}; ${why}`, extra);
    inst.note('errored', why, extra);
    return;
  }
  const failed = verdict.failedStarts > 0 ? ` (${verdict.failedStarts} failed start${verdict.failedStarts > 1 ? 's' : ''} in a row; errored at ${restart.maxRestarts + 1})` : '';
  inst.transition(kind, 'auto-restart', `${reason}; restart ${verdict.attempt} in ${formatDuration(verdict.delayMs)}${failed}`, extra);
  inst.scheduleRestart(verdict.delayMs, () => respawn(`restart ${verdict.attempt} after ${kind}`));
}
