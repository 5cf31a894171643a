// Exact sliding windows on event time, per key, that fire once per episode (docs/detection.md).
//
// For a key with events at times t1 <= t2 <= ... (each clamped to the key's latest time, so a late
// line cannot move the window backwards), the window at event i holds every t_j with
// t_i - findtime <= t_j <= t_i (inclusive). The rule fires on the event whose window first reaches
// the threshold. The episode then lasts until the key has a gap longer than findtime between two
// events; the event after such a gap starts from an empty window and may fire again.

/** Bound on tracked keys so a flood of distinct keys cannot exhaust memory. */
const MAX_KEYS = 100_000;

interface CountState {
  /** Ring of the last `threshold` event times. */
  times: number[];
  next: number;
  last: number;
  firing: boolean;
}

/** "`threshold` events for one key within `findtime`" (brute force, probes). */
export class CountWindow {
  private readonly keys = new Map<string, CountState>();
  constructor(readonly threshold: number, readonly findtime: number) {}

  /**
   * Records `weight` events at `time` (a line that stands for several attempts); returns the count
   * in the window when this line starts an episode, else 0.
   */
  hit(key: string, time: number, weight = 1): number {
    let s = this.keys.get(key);
    if (s === undefined) {
      if (this.keys.size >= MAX_KEYS) sweep(this.keys, time, this.findtime);
      s = { times: [], next: 0, last: -Infinity, firing: false };
      this.keys.set(key, s);
    }
    const t = time > s.last ? time : s.last;
    if (t - s.last > this.findtime) {
      s.times.length = 0;
      s.next = 0;
      s.firing = false;
    }
    s.last = t;
    for (let i = Math.min(weight, this.threshold); i > 0; i--) {
      if (s.times.length < this.threshold) s.times.push(t);
      else s.times[s.next] = t;
      s.next = (s.next + 1) % this.threshold;
    }
    if (s.firing) return 0;
    const from = t - this.findtime;
    let n = 0;
    for (const x of s.times) if (x >= from) n++;
    if (n >= this.threshold) {
      s.firing = true;
      return n;
    }
    return 0;
  }

  /** True while `key` is inside an episode that already fired. */
  firing(key: string): boolean {
    return this.keys.get(key)?.firing === true;
  }

  get size(): number {
    return this.keys.size;
  }
}

interface DistinctState {
  /** member -> time of its latest event */
  members: Map<string, number>;
  last: number;
  firing: boolean;
}

/** Per member cap inside one key (one IP trying 10,000 user names is already far past any threshold). */
const MAX_MEMBERS = 1_000;

/** "`threshold` distinct members for one key within `findtime`" (credential stuffing: users per IP). */
export class DistinctWindow {
  private readonly keys = new Map<string, DistinctState>();
  constructor(readonly threshold: number, readonly findtime: number) {}

  /** Records `member` for `key`; returns the distinct count when this event starts an episode, else 0. */
  hit(key: string, member: string, time: number): number {
    let s = this.keys.get(key);
    if (s === undefined) {
      if (this.keys.size >= MAX_KEYS) sweep(this.keys, time, this.findtime);
      s = { members: new Map(), last: -Infinity, firing: false };
      this.keys.set(key, s);
    }
    const t = time > s.last ? time : s.last;
    if (t - s.last > this.findtime) {
      s.members.clear();
      s.firing = false;
    }
    s.last = t;
    s.members.delete(member); // re-insert so the map stays ordered by time
    s.members.set(member, t);
    const from = t - this.findtime;
    for (const [m, at] of s.members) {
      if (at >= from && s.members.size <= MAX_MEMBERS) break;
      s.members.delete(m);
    }
    if (s.firing || s.members.size < this.threshold) return 0;
    s.firing = true;
    return s.members.size;
  }

  /** Removes a member (a user who then logged in successfully from that IP was mistyping, not stuffing). */
  forget(key: string, member: string): void {
    this.keys.get(key)?.members.delete(member);
  }
}

function sweep(keys: Map<string, { last: number }>, now: number, findtime: number): void {
  for (const [k, s] of keys) if (now - s.last > findtime) keys.delete(k);
  // Still full: drop the oldest-created tenth.
  if (keys.size >= MAX_KEYS) {
    let drop = Math.ceil(MAX_KEYS / 10);
    for (const k of keys.keys()) {
      if (drop-- <= 0) break;
      keys.delete(k);
    }
  }
}
