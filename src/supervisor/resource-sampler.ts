// CPU and memory of the running apps, read only when something needs them: apps whose limits ask
// for a sample every `sampleEvery` (one timer for all of them, on a grid, so apps with the same
// period share one wake-up), and `status`, metrics and the dashboard, which ask for fresh numbers
// through sampleNow(maxAgeMs). An idle daemon whose apps have no limits reads nothing at all.
//
// An app whose limits judge memory alone is read on its period from statm, which costs the kernel a
// fifth of what stat does; its CPU figure is then the one of the last full sample (status, metrics
// and CPU limits read stat). A daemon with a memory limit on every app pays mostly this.
//
// One full pass serves every app due at once, reading its processes as process-tree-reader.ts
// says. RSS is summed over the app's processes; CPU is the sum of each process's tick delta over
// the interval, as a percent of one core. Without /proc it falls back to pidusage (main pid only).
import { existsSync } from 'node:fs';
import { procClock, ProcHandle } from './proc-stat.js';
import { descendantsRss, ProcessTreeReader, type ReadMode } from './process-tree-reader.js';

/**
 * One app's numbers. Scheduled memory-only samples refill one object per app: a consumer that keeps
 * a sample sees it updated by the next one (the latest numbers, which is what status shows).
 */
export interface ResourceSample {
  /**
   * Percent of one core over the interval (may exceed 100 with several threads/processes); a
   * memory-only sample carries the last full sample's figure (null before there is one).
   */
  cpu: number | null;
  memoryBytes: number;
  /** Interval the CPU figure covers: [since, at]. */
  since: number;
  at: number;
  /** A sample the app's limits asked for (their period), not one asked for by `status`. */
  scheduled: boolean;
}

interface Tracked {
  pid: number;
  /** The limits' period, or null: sampled only on request. */
  everyMs: number | null;
  /** The limits judge CPU: their samples read stat; else statm is enough for them. */
  cpuLimited: boolean;
  lastCpu: number | null;
  nextAt: number;
  /** The baseline CPU deltas are taken against: when, and each process's ticks then. */
  baseAt: number;
  baseTicks: Map<number, number>;
  /** When it was last fully sampled, for any reason (sampleNow's cache). */
  sampledAt: number;
  /** The leader's /proc files, kept open once a tree walk read them (closed by untrack). */
  leader: ProcHandle | null;
  /** Memory-only: the one sample object every scheduled sample refills (no garbage per period). */
  memorySample: ResourceSample | null;
  /** Memory-only: when a leader last seen without children has its children list read again. */
  childrenDueAt: number;
  onSample(s: ResourceSample): void;
}

const hasProc = existsSync('/proc/self/stat');
/**
 * How long a memory-only app whose leader had no children goes without its children list being
 * read again: a child it forks counts towards its memory limit within this time.
 */
const CHILDREN_RECHECK_MS = 10_000;

export class ResourceSampler {
  private readonly reader: ProcessTreeReader;

  constructor(mode: ReadMode = 'auto', private readonly childrenRecheckMs = CHILDREN_RECHECK_MS) {
    this.reader = new ProcessTreeReader(mode);
  }

  private readonly tracked = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  /**
   * Samples `pid`'s tree every `everyMs` (null: only when sampleNow asks; `cpuLimited`: the
   * scheduled samples need CPU too) until untrack(key); replaces any earlier tracking of key.
   * `pid` was spawned just now: all the CPU it has used is its own.
   */
  track(key: string, pid: number, schedule: { everyMs: number | null; cpuLimited: boolean }, onSample: (s: ResourceSample) => void): void {
    const now = Date.now();
    const { everyMs, cpuLimited } = schedule;
    const t: Tracked = {
      pid, everyMs, cpuLimited, lastCpu: null, baseAt: now, baseTicks: new Map(), sampledAt: -Infinity, leader: null,
      memorySample: null, childrenDueAt: -Infinity, onSample,
      // Due times sit on a grid of everyMs, so apps with the same period are sampled in one wake-up;
      // at least half a period after the baseline, so the first CPU figure is not mostly noise.
      nextAt: everyMs === null ? Infinity : Math.ceil((now + everyMs / 2) / everyMs) * everyMs,
    };
    // The leader was born with no ticks (no /proc read here: this is on a restart's path), and
    // its children are born after it: all count in full.
    t.baseTicks.set(pid, 0);
    this.tracked.get(key)?.leader?.close();
    this.tracked.set(key, t);
    if (everyMs !== null) this.arm();
  }

  untrack(key: string): void {
    this.tracked.get(key)?.leader?.close();
    this.tracked.delete(key);
    if (this.tracked.size === 0) this.disarm();
  }

  stop(): void {
    for (const t of this.tracked.values()) t.leader?.close();
    this.tracked.clear();
    this.disarm();
  }

  /**
   * Fresh numbers for everything tracked: samples, in one pass, each app not sampled within
   * `maxAgeMs`. For `status` and metrics; it costs nothing when they ask again within maxAgeMs.
   */
  async sampleNow(maxAgeMs: number): Promise<void> {
    const now = Date.now();
    const stale = [...this.tracked.values()].filter((t) => now - t.sampledAt >= maxAgeMs);
    if (stale.length === 0) return;
    // Apps whose limits were due anyway get their scheduled sample now.
    const due = new Set(stale.filter((t) => t.nextAt <= now + 5));
    for (const t of due) t.nextAt = nextSlot(now, t.everyMs!);
    await this.sample(stale, due);
    if (due.size > 0) this.arm();
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private arm(): void {
    let next = Infinity;
    for (const t of this.tracked.values()) if (t.nextAt < next) next = t.nextAt;
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
    let full: Tracked[] | undefined;
    // Memory-only apps (nearly every limited app) are read right here: no list, no object per app.
    for (const t of this.tracked.values()) {
      if (t.nextAt > now + 5) continue;
      t.nextAt = nextSlot(now, t.everyMs!);
      if (t.cpuLimited || !hasProc) (full ??= []).push(t);
      else this.sampleMemory(t, now);
    }
    if (full !== undefined) await this.sample(full, new Set(full));
    this.arm();
  }

  /**
   * A scheduled sample of an app judged on memory alone: statm of each process in its tree. A
   * leader seen without children has its children list read again only after childrenRecheckMs
   * (a third of the per-app cost saved on most periods); one with children, every period.
   */
  private sampleMemory(t: Tracked, at: number): void {
    t.leader ??= new ProcHandle(t.pid);
    let pages = t.leader.rssPages();
    if (pages === null) return; // gone: the exit handler untracks it
    if (at >= t.childrenDueAt) {
      const children = t.leader.children();
      if (children.length > 0) pages += descendantsRss([...children]);
      else t.childrenDueAt = at + this.childrenRecheckMs;
    }
    const s = t.memorySample ??= { cpu: null, memoryBytes: 0, since: at, at, scheduled: true };
    s.cpu = t.lastCpu;
    s.memoryBytes = pages * procClock().pageSize;
    s.since = at;
    s.at = at;
    t.onSample(s);
  }

  private async sample(targets: Tracked[], scheduled: Set<Tracked>): Promise<void> {
    if (targets.length === 0) return;
    if (!hasProc) {
      await this.samplePidusage(targets, scheduled);
      return;
    }
    const usage = this.reader.read(targets);
    const at = Date.now();
    const { ticksPerSec, pageSize, bootMs } = procClock();
    for (const t of targets) {
      const u = usage.get(t) ?? { ticks: new Map(), rssPages: 0 };
      // A process not in the baseline counts in full if it was born after it (a new worker);
      // one that was merely not seen then (a slower reader's miss) starts its own baseline.
      const baseTick = ((t.baseAt - bootMs) / 1000) * ticksPerSec - 1;
      let ticks = 0;
      for (const [pid, now] of u.ticks) {
        const before = t.baseTicks.get(pid);
        if (before !== undefined) ticks += Math.max(0, now - before);
        else if ((this.reader.startTimes.get(pid) ?? 0) >= baseTick) ticks += now;
      }
      const since = t.baseAt;
      const isScheduled = scheduled.has(t);
      // A request between two scheduled samples does not move their baseline: the limits judge
      // whole periods, whoever else looks.
      if (isScheduled || t.everyMs === null) {
        t.baseAt = at;
        t.baseTicks = u.ticks;
      }
      t.sampledAt = at;
      const seconds = Math.max(0.001, (at - since) / 1000);
      t.lastCpu = (ticks / ticksPerSec / seconds) * 100;
      t.onSample({ cpu: t.lastCpu, memoryBytes: u.rssPages * pageSize, since, at, scheduled: isScheduled });
    }
    this.reader.startTimes.clear();
  }

  private async samplePidusage(targets: Tracked[], scheduled: Set<Tracked>): Promise<void> {
    try {
      const { default: pidusage } = await import('pidusage');
      const stats = await pidusage(targets.map((t) => t.pid));
      const at = Date.now();
      for (const t of targets) {
        const s = stats[String(t.pid)];
        const since = t.baseAt;
        t.baseAt = at;
        t.sampledAt = at;
        if (s !== undefined) t.lastCpu = s.cpu;
        if (s !== undefined) t.onSample({ cpu: s.cpu, memoryBytes: s.memory, since, at, scheduled: scheduled.has(t) });
      }
    } catch {
      // A pid that died between listing and sampling: the exit handler untracks it.
    }
  }
}

/** The next point of the everyMs grid after now. */
function nextSlot(now: number, everyMs: number): number {
  return (Math.floor(now / everyMs) + 1) * everyMs;
}
