// Many deadlines, one timer: the heartbeat and silence deadlines and the HTTP/TCP probe schedules
// of every app. Deadlines fall into slots of `resolutionMs`, and the one Node timer is armed for the
// earliest slot that holds any, so a thousand apps' deadlines cost a few wake-ups a second, not a
// thousand timers (and a deadline is at most one slot late). Times are performance.now(): the
// monotonic clock libuv's timers and the stall watch use.
// A timer is one object for its owner's life (again() moves it): a new entry per look, allocated
// where the start's long waits had taught V8 to allocate them in the old generation, was ~0.2 MB
// a second of old-space garbage at 1,000 apps looking every 312 ms. A slot is a list through its
// entries, not a Set: filling a Set per slot allocated as it grew (15 % of the daemon's garbage
// with 1,000 apps beating).

export interface WheelTimer {
  /** Stops the run it waits for (if any). */
  cancel(): void;
  /** Runs the function (again) at `when` instead of any run it waits for; the same timer, no new one. */
  again(when: number): void;
}

class Entry implements WheelTimer {
  /** The slot it waits in; -1: none (fired or cancelled). */
  slot = -1;
  /** Its neighbours in its slot's list (null at the ends and outside one). */
  prev: Entry | null = null;
  next: Entry | null = null;

  constructor(private readonly wheel: TimerWheel, readonly fn: () => void) {}

  cancel(): void {
    this.wheel.remove(this);
  }

  again(when: number): void {
    this.wheel.remove(this);
    this.wheel.insert(this, when);
  }
}

export class TimerWheel {
  /** The last entry of each slot's list (runs go in the order they were set), by slot (slot = ceil(time / resolutionMs)); only slots that hold some. */
  private readonly slots = new Map<number, Entry>();
  /** The entries of the slot being fired, gathered before any runs (a run may cancel or move any of them). */
  private readonly batch: Entry[] = [];
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

  /** Runs `fn` at `when` (performance.now() time), or up to one slot later; cancel() stops it, again() moves it. */
  at(when: number, fn: () => void): WheelTimer {
    const entry = new Entry(this, fn);
    this.insert(entry, when);
    return entry;
  }

  /** Puts a waiting-for-nothing entry in the slot of `when` (Entry's use). */
  insert(entry: Entry, when: number): void {
    const slot = Math.max(Math.ceil(when / this.resolutionMs), this.firing + 1);
    entry.slot = slot;
    const last = this.slots.get(slot);
    entry.prev = last ?? null;
    entry.next = null;
    if (last === undefined) this.push(slot);
    else last.next = entry;
    this.slots.set(slot, entry);
    if (slot < this.armedSlot && this.firing === -Infinity) this.arm();
  }

  /** Deadlines waiting (for tests): counted through the slots' lists. */
  get size(): number {
    let n = 0;
    for (const last of this.slots.values()) for (let e: Entry | null = last; e !== null; e = e.prev) n++;
    return n;
  }

  /** Takes `entry` out of its slot, if it waits in one (Entry's use). */
  remove(entry: Entry): void {
    const slot = entry.slot;
    if (slot < 0) return;
    entry.slot = -1;
    const { prev, next } = entry;
    entry.prev = entry.next = null;
    if (prev !== null) prev.next = next;
    if (next !== null) next.prev = prev;
    else if (prev !== null) this.slots.set(slot, prev); // it was the last
    else if (this.slots.get(slot) === entry) { // it was the only one (not one gathered for firing)
      this.slots.delete(slot);
      if (this.slots.size === 0 && this.firing === -Infinity) this.arm(); // nothing left: no timer
    }
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
        const batch = this.batch;
        for (let e = this.slots.get(slot) ?? null; e !== null;) {
          const prev: Entry | null = e.prev;
          e.prev = e.next = null;
          batch.push(e);
          e = prev;
        }
        this.slots.delete(slot);
        for (let i = batch.length - 1; i >= 0; i--) { // gathered from the last: run from the first
          const e = batch[i]!;
          if (e.slot !== slot) continue; // cancelled or moved by an entry fired before it in this slot
          e.slot = -1;
          try {
            e.fn();
          } catch (err) {
            // One deadline's bug must not cancel the others'.
            this.onError(err);
          }
        }
        batch.length = 0;
      }
    } finally {
      this.batch.length = 0;
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
