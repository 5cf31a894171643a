// Exponential backoff with jitter: initial * factor^attempt, capped at max, then spread by
// +-jitter (a fraction) so many apps crashing together do not restart in lockstep.
export interface BackoffSettings {
  initial: number;
  max: number;
  factor: number;
  jitter: number;
}

/** Delay in ms before restart number `attempt` (0-based) of a crash streak. `initial: 0` = at once. */
export function backoffDelay(b: BackoffSettings, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(b.max, b.initial * b.factor ** attempt);
  const spread = b.jitter === 0 ? base : base * (1 + b.jitter * (2 * random() - 1));
  return Math.round(Math.min(b.max, Math.max(0, spread)));
}
