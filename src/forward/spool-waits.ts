// The forwarder's waits on its spools (written(), durable(), enqueue(), afterWritten()): each is
// done once every spool it names reaches what that spool had accepted when the wait began, and
// fails if a spool closed (shutdown, endpoint removed) before getting there. Settled where the
// progress happens: a callback wait runs inside settle(), so a caller's next step (a tail
// checkpoint) runs right after the write it depends on, before anything else (the write's
// fdatasync) starts; a promise wait resolves there and runs its reactions at the next microtask
// checkpoint.
import { closedError } from './errors.js';
import type { Spool } from './spool/spool.js';

interface Wait {
  spools: Spool[];
  /** Each spool's `accepted` when the wait began. */
  targets: number[];
  progressOf(s: Spool): number;
  reached(): void;
  failed(e: Error): void;
}

export class SpoolWaits {
  private waits: Wait[] = [];

  /**
   * Calls `reached` once `spools` reach, by `progressOf`, what they accepted so far (now, if they
   * have), or `failed` if one closes first. True while it waits.
   */
  on(spools: Spool[], progressOf: (s: Spool) => number, reached: () => void, failed: (e: Error) => void): boolean {
    const w: Wait = { spools, targets: spools.map((sp) => sp.accepted), progressOf, reached, failed };
    const verdict = settle(w);
    if (verdict === 'reached') reached();
    else if (verdict === 'failed') failed(closedError());
    else this.waits.push(w);
    return verdict === 'waiting';
  }

  /** Something moved: settle the waits that are done (their callbacks run now, in order). */
  settle(): void {
    if (this.waits.length === 0) return;
    const done: [Wait, 'reached' | 'failed'][] = [];
    this.waits = this.waits.filter((w) => {
      const verdict = settle(w);
      if (verdict !== 'waiting') done.push([w, verdict]);
      return verdict === 'waiting';
    });
    for (const [w, verdict] of done) {
      try {
        if (verdict === 'reached') w.reached();
        else w.failed(closedError());
      } catch (err) {
        queueMicrotask(() => { throw err; }); // reported as uncaught, after the other waits settled
      }
    }
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
