// The last hour of CPU and memory per app instance, for the dashboard's sparklines: two Float32Array
// rings per instance (360 slots of 10 s: about 3 KB), written by one timer for all instances while
// the HTTP server runs. The clock is injected so an hour can be simulated (bench/http.ts).
export interface HistoryOptions {
  /** One slot per this many ms (default 10 s, the supervisor's status sampling period). */
  stepMs?: number;
  /** How far back (default 1 h). */
  spanMs?: number;
  now?: () => number;
}

export interface Series {
  /** Time of the last slot (ms since epoch). */
  endAt: number;
  stepMs: number;
  /** Oldest first; null where there was no sample. CPU in percent of one core. */
  cpu: (number | null)[];
  memoryBytes: (number | null)[];
}

interface Ring {
  cpu: Float32Array;
  /** KiB: a float32 holds any RSS to 3 significant digits at least. */
  memKiB: Float32Array;
  /** Absolute slot number (time / stepMs) of the newest write. */
  last: number;
}

export class UsageHistory {
  readonly stepMs: number;
  private readonly slots: number;
  private readonly now: () => number;
  private readonly rings = new Map<string, Ring>();

  constructor(opts: HistoryOptions = {}) {
    this.stepMs = opts.stepMs ?? 10_000;
    this.slots = Math.max(1, Math.round((opts.spanMs ?? 3_600_000) / this.stepMs));
    this.now = opts.now ?? Date.now;
  }

  /** Records one sample of `key` (app/instance) at the current time; null values leave a gap. */
  record(key: string, cpu: number | null, memoryBytes: number | null): void {
    const slot = Math.floor(this.now() / this.stepMs);
    let r = this.rings.get(key);
    if (r === undefined) {
      r = { cpu: new Float32Array(this.slots).fill(NaN), memKiB: new Float32Array(this.slots).fill(NaN), last: slot };
      this.rings.set(key, r);
    }
    // Slots skipped since the last write (daemon busy, app down) are gaps, not stale values.
    for (let s = Math.max(r.last + 1, slot - this.slots + 1); s < slot; s++) {
      r.cpu[s % this.slots] = NaN;
      r.memKiB[s % this.slots] = NaN;
    }
    const i = slot % this.slots;
    r.cpu[i] = cpu ?? NaN;
    r.memKiB[i] = memoryBytes === null ? NaN : memoryBytes / 1024;
    r.last = Math.max(r.last, slot);
  }

  /** Forgets instances not in `keys` (deleted apps). */
  retain(keys: ReadonlySet<string>): void {
    for (const k of this.rings.keys()) if (!keys.has(k)) this.rings.delete(k);
  }

  series(key: string): Series | null {
    const r = this.rings.get(key);
    if (r === undefined) return null;
    const now = Math.floor(this.now() / this.stepMs);
    const cpu: (number | null)[] = [];
    const memoryBytes: (number | null)[] = [];
    for (let s = now - this.slots + 1; s <= now; s++) {
      const fresh = s <= r.last && s > r.last - this.slots;
      const c = fresh ? r.cpu[s % this.slots]! : NaN;
      const m = fresh ? r.memKiB[s % this.slots]! : NaN;
      cpu.push(Number.isNaN(c) ? null : Math.round(c * 10) / 10);
      memoryBytes.push(Number.isNaN(m) ? null : Math.round(m * 1024));
    }
    return { endAt: now * this.stepMs, stepMs: this.stepMs, cpu, memoryBytes };
  }
}
