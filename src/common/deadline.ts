// A deadline for a promise, on AbortSignal.timeout: no timer of our own to clear on every path,
// and nothing that keeps the process alive.

/** Settles like `p`, or rejects with `onTimeout()` once `ms` have passed. */
export function withDeadline<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return untilAborted(p, AbortSignal.timeout(ms), onTimeout);
}

/** Settles like `p`, or rejects with `onAbort()` when `signal` aborts first. */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal, onAbort: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
