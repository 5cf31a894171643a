// Capped exponential backoff with a little jitter, so channels that failed together do not retry in lockstep.
export interface RetryPolicy {
  initial: number;
  max: number;
  factor: number;
}

/** Delay before attempt `failures + 1`, given `failures` >= 1 failed attempts so far. */
export function retryDelay(failures: number, p: RetryPolicy, random = Math.random): number {
  const base = Math.min(p.max, p.initial * p.factor ** Math.max(0, failures - 1));
  return Math.round(Math.min(p.max, base * (1 + 0.1 * random())));
}
