// Many deadlines, one timer: the heartbeat and silence deadlines and the HTTP/TCP probe schedules
// of every app. Deadlines fall into slots of `resolutionMs`, and the one Node timer is armed for the
// earliest slot that holds any, so a thousand apps' deadlines cost a few wake-ups a second, not a
// thousand timers (and a deadline is at most one slot late). Times are performance.now(): the
// monotonic clock libuv's timers and the stall watch use.

export interface WheelTimer {
  cancel(): void;
}

interface Entry extends WheelTimer {
  fn: () => void;
  slot: number;
  cancelled: boolean;
}

export class TimerWheel {
  /** Entries by slot (slot = ceil(time / resolutionMs)). */
  private readonly slots = new Map<number, Set<Entry>>();
  /** The slot numbers in `slots`, as a binary min-heap (an emptied slot is skipped when it surfaces). */
  private readonly heap: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedSlot = Infinity;
  /** While firing: the slot being fired (entries added for it or earlier go to the next one). */
  private firing = -Infinity;

  /** `onError`: a deadline that threw (by default rethrown, later, as an uncaught exception). */
  constructor(
    private readonly resolutionMs = 50,
    private readonly onError: (err: unknown) => void = (err) => queueMicrotask(() => { throw err; }),
  ) {}

  /** Runs `fn` at `when` (performance.now() time), or up to one slot later; cancel() stops it. */
  at(when: number, fn: () => void): WheelTimer {
    const slot = Math.max(Math.ceil(when / this.resolutionMs), this.firing + 1);
    const entry: Entry = { fn, slot, cancelled: false, cancel: () => this.remove(entry) };
    let set = this.slots.get(slot);
    if (set === undefined) {
      this.slots.set(slot, set = new Set());
      this.push(slot);
    }
    set.add(entry);
    if (slot < this.armedSlot && this.firing === -Infinity) this.arm();
    return entry;
  }

  /** Deadlines waiting (for tests and the bench). */
  get size(): number {
    let n = 0;
    for (const set of this.slots.values()) n += set.size;
    return n;
  }

  private remove(entry: Entry): void {
    entry.cancelled = true;
    const set = this.slots.get(entry.slot);
    if (set === undefined || !set.delete(entry) || set.size > 0) return;
    this.slots.delete(entry.slot);
    if (this.slots.size === 0 && this.firing === -Infinity) this.arm(); // nothing left: no timer
  }

  private arm(): void {
    while (this.heap.length > 0 && !this.slots.has(this.heap[0]!)) this.pop();
    const next = this.heap[0];
    if (next === this.armedSlot) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedSlot = next ?? Infinity;
    if (next === undefined) return;
    this.timer = setTimeout(() => this.fire(), Math.max(0, next * this.resolutionMs - performance.now()));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.armedSlot = Infinity;
    // A libuv timer may fire a fraction of a millisecond before performance.now() reaches its slot.
    const current = Math.floor((performance.now() + 1) / this.resolutionMs);
    this.firing = current;
    try {
      while (this.heap.length > 0 && this.heap[0]! <= current) {
        const slot = this.pop();
        const set = this.slots.get(slot);
        if (set === undefined) continue;
        this.slots.delete(slot);
        for (const e of set) {
          if (e.cancelled) continue; // by an entry fired before it in this slot
          e.cancelled = true;
          try {
            e.fn();
          } catch (err) {
            // One deadline's bug must not cancel the others'.
            this.onError(err);
          }
        }
      }
    } finally {
      this.firing = -Infinity;
      this.arm();
    }
  }

  private push(slot: number): void {
    const h = this.heap;
    h.push(slot);
    for (let i = h.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (h[parent]! <= h[i]!) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  private pop(): number {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]! < h[m]!) m = l;
        if (r < h.length && h[r]! < h[m]!) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}

/** The daemon's wheel: every run's probes share it (like Node's own timer lists, one per process). */
export const sharedWheel = new TimerWheel();
