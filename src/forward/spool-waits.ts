// The forwarder's waits on its spools (written(), durable(), enqueue()): each resolves once every
// spool it names reaches what that spool had accepted when the wait began, and rejects if a spool
// closed (shutdown, endpoint removed) before getting there. Settled synchronously where the
// progress happens, so a caller's next step (a tail checkpoint) runs right after the write it
// depends on, before anything else can.
import { closedError } from './errors.js';
import type { Spool } from './spool/spool.js';

interface Wait {
  spools: Spool[];
  /** Each spool's `accepted` when the wait began. */
  targets: number[];
  progressOf(s: Spool): number;
  resolve(): void;
  reject(e: Error): void;
}

export class SpoolWaits {
  private waits: Wait[] = [];

  /** A wait for `spools` to reach, by `progressOf`, what they accepted so far; `waiting`: it is not settled yet. */
  add(spools: Spool[], progressOf: (s: Spool) => number): { done: Promise<void>; waiting: boolean } {
    const w: Wait = { spools, targets: spools.map((sp) => sp.accepted), progressOf, resolve: () => {}, reject: () => {} };
    const verdict = settle(w);
    if (verdict === 'reached') return { done: Promise.resolve(), waiting: false };
    if (verdict === 'failed') return { done: Promise.reject(closedError()), waiting: false };
    const done = new Promise<void>((resolve, reject) => { w.resolve = resolve; w.reject = reject; });
    this.waits.push(w);
    return { done, waiting: true };
  }

  /** Something moved: settle the waits that are done. */
  settle(): void {
    if (this.waits.length === 0) return;
    this.waits = this.waits.filter((w) => {
      const verdict = settle(w);
      if (verdict === 'reached') w.resolve();
      else if (verdict === 'failed') w.reject(closedError());
      return verdict === 'waiting';
    });
  }
}

function settle(w: Wait): 'reached' | 'waiting' | 'failed' {
  let waiting = false;
  for (let i = 0; i < w.spools.length; i++) {
    const s = w.spools[i]!;
    if (w.progressOf(s) >= w.targets[i]!) continue;
    if (s.closed) return 'failed';
    waiting = true;
  }
  return waiting ? 'waiting' : 'reached';
}
