// CPU and memory of each running app, from one shared timer that wakes only when some app is due
// (due times are aligned, so 20 idle apps cost one wake-up per period, not 20).
// On Linux it reads /proc directly: the app's main pid plus its descendants (walked through
// /proc/<pid>/task/<pid>/children), RSS summed and CPU as the sum of per-pid tick deltas — no fd
// cache, no subprocess. Without /proc it falls back to pidusage (main pid only).
import { existsSync } from 'node:fs';
import { procClock, readChildren, readProcStat } from './proc-stat.js';

export interface ResourceSample {
  /** Percent of one core over the interval (may exceed 100 with several threads/processes). */
  cpu: number;
  memoryBytes: number;
  /** Interval the CPU figure covers: [since, at]. */
  since: number;
  at: number;
}

interface Tracked {
  pid: number;
  everyMs: number;
  nextAt: number;
  lastAt: number;
  lastTicks: Map<number, number>;
  onSample(s: ResourceSample): void;
}

const hasProc = existsSync('/proc/self/stat');

export class ResourceSampler {
  private readonly tracked = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  /** Samples `pid` every `everyMs` until untrack(key); replaces any earlier tracking of key. */
  track(key: string, pid: number, everyMs: number, onSample: (s: ResourceSample) => void): void {
    const now = Date.now();
    // Due times sit on a grid of everyMs, so apps with the same period are sampled in one wake-up;
    // at least half a period after the baseline, so the first CPU figure is not mostly noise.
    const t: Tracked = { pid, everyMs, nextAt: Math.ceil((now + everyMs / 2) / everyMs) * everyMs, lastAt: now, lastTicks: new Map(), onSample };
    if (hasProc) this.readTree(t); // primes the tick baseline so the first sample has a delta
    this.tracked.set(key, t);
    this.arm();
  }

  untrack(key: string): void {
    this.tracked.delete(key);
    if (this.tracked.size === 0) this.disarm();
  }

  stop(): void {
    this.tracked.clear();
    this.disarm();
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private arm(): void {
    let next = Infinity;
    for (const t of this.tracked.values()) next = Math.min(next, t.nextAt);
    if (next === Infinity || next >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(() => void this.tick(), Math.max(0, next - Date.now()));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    const due = [...this.tracked.values()].filter((t) => t.nextAt <= now + 5);
    for (const t of due) t.nextAt = (Math.floor(now / t.everyMs) + 1) * t.everyMs;
    if (hasProc) {
      for (const t of due) this.sampleProc(t);
    } else if (due.length > 0) {
      await this.samplePidusage(due);
    }
    this.arm();
  }

  private sampleProc(t: Tracked): void {
    const prev = t.lastTicks;
    const since = t.lastAt;
    const rssPages = this.readTree(t);
    let ticks = 0;
    for (const [pid, now] of t.lastTicks) {
      const before = prev.get(pid);
      if (before !== undefined && now >= before) ticks += now - before;
    }
    const at = t.lastAt;
    const { ticksPerSec, pageSize } = procClock();
    const seconds = Math.max(0.001, (at - since) / 1000);
    t.onSample({ cpu: (ticks / ticksPerSec / seconds) * 100, memoryBytes: rssPages * pageSize, since, at });
  }

  /** Reads the tree rooted at t.pid: stores per-pid ticks in t.lastTicks, returns RSS pages. */
  private readTree(t: Tracked): number {
    const ticks = new Map<number, number>();
    let rss = 0;
    const queue = [t.pid];
    for (let i = 0; i < queue.length && i < 1024; i++) {
      const pid = queue[i]!;
      const st = readProcStat(pid);
      if (st === null) continue;
      ticks.set(pid, st.cpuTicks);
      rss += st.rssPages;
      for (const c of readChildren(pid)) queue.push(c);
    }
    t.lastTicks = ticks;
    t.lastAt = Date.now();
    return rss;
  }

  private async samplePidusage(due: Tracked[]): Promise<void> {
    try {
      const { default: pidusage } = await import('pidusage');
      const stats = await pidusage(due.map((t) => t.pid));
      const at = Date.now();
      for (const t of due) {
        const s = stats[String(t.pid)];
        if (s !== undefined) t.onSample({ cpu: s.cpu, memoryBytes: s.memory, since: t.lastAt, at });
        t.lastAt = at;
      }
    } catch {
      // A pid that died between listing and sampling: the exit handler untracks it.
    }
  }
}
