// The state machine as data (like systemd's service_set_state()): every sub-state belongs to one
// AppState, and every transition kind may move only between the sub-states listed for it.
// Instance.transition() asserts each move against this table, so events, alerts and the code
// paths that change state cannot drift apart.
import type { AppState, SubState, TransitionKind } from '../events/types.js';

export const STATE_OF: Readonly<Record<SubState, AppState>> = {
  'dead': 'stopped',
  'failed': 'errored',
  'auto-restart': 'backoff',
  'start': 'starting',
  'wait-ready': 'starting',
  'running': 'online',
  'stop-sigterm': 'stopping',
  'stop-sigkill': 'stopping',
};

interface Move {
  from: readonly SubState[];
  to: readonly SubState[];
}

const DOWN: readonly SubState[] = ['dead', 'failed', 'auto-restart'];
const STOPPING: readonly SubState[] = ['stop-sigterm', 'stop-sigkill'];
/** Spawned: running, or waiting for its readiness signal. */
const UP: readonly SubState[] = ['wait-ready', 'running'];

/** Which moves each transition kind may make. */
export const TRANSITIONS: Readonly<Record<TransitionKind, Move>> = {
  // user start, or a start with a new configuration; straight to `failed` when the configuration
  // names nothing that can run (no such script): retrying cannot help
  start: { from: DOWN, to: ['start', 'failed'] },
  // user/cron/watch restart (after its stop, or of an app that is down), or the respawn after backoff
  restart: { from: [...DOWN, ...STOPPING], to: ['start', 'failed'] },
  // spawned, and bulwark waits for its readiness (wait_ready, listening, a first HTTP pass)
  spawned: { from: ['start'], to: ['wait-ready'] },
  // ready: at once when nothing is awaited, else the signal came (or listen_timeout ran out outside a reload)
  online: { from: ['start', 'wait-ready'], to: ['running'] },
  // not ready within listen_timeout where readiness is required (a reload's new instance): stopped
  timeout: { from: ['wait-ready'], to: STOPPING },
  // the leader ended on its own: code 0 / anything else (a failed spawn is a crash of `start`)
  exit: { from: UP, to: ['auto-restart', 'dead', 'failed'] },
  crash: { from: [...UP, 'start'], to: ['auto-restart', 'failed'] },
  // a probe or a limit breached: the run is killed (short grace), then backoff
  hang: { from: ['running'], to: STOPPING },
  cpu: { from: ['running'], to: STOPPING },
  memory: { from: ['running'], to: STOPPING },
  // a deliberate stop (user stop/restart/replace/delete, cron, watch, shutdown)
  stop: { from: [...UP, 'start'], to: STOPPING },
  // the stop signal was not enough within the grace: SIGKILL
  kill: { from: ['stop-sigterm'], to: ['stop-sigkill'] },
  stopped: { from: [...STOPPING, 'auto-restart', 'failed'], to: ['dead'] },
  // a killed (hung) run is gone: restart delay, or give up
  backoff: { from: STOPPING, to: ['auto-restart', 'failed'] },
};

export class IllegalTransitionError extends Error {
  constructor(kind: TransitionKind, from: SubState, to: SubState) {
    super(`illegal lifecycle transition "${kind}": ${from} -> ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

/** Throws when `kind` may not move from `from` to `to`: a bug in the supervisor, never user input. */
export function assertTransition(kind: TransitionKind, from: SubState, to: SubState): void {
  const move = TRANSITIONS[kind];
  if (!move.from.includes(from) || !move.to.includes(to)) throw new IllegalTransitionError(kind, from, to);
}
