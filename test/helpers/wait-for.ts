// The one polling wait of the tests (tests wait on events or poll with a deadline, never a bare
// sleep): asks `fn` every `everyMs` until it returns something truthy and returns that, or fails
// after `timeoutMs`, naming `what` and the last error `fn` threw.
type Falsy = false | 0 | '' | null | undefined;

export async function waitFor<T>(what: string, fn: () => T | Falsy | Promise<T | Falsy>, timeoutMs = 15_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
