// How many Node timers code arms: what "one timer for all of them" tests count.

/** Node timers armed while fn runs (and until the promise it returns settles). */
export async function timersArmed(fn: () => unknown): Promise<number> {
  const real = globalThis.setTimeout;
  let n = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => { n++; return real(...args); }) as typeof setTimeout;
  try { await fn(); } finally { globalThis.setTimeout = real; }
  return n;
}
