// Finds each sampled app's processes and reads their CPU ticks and resident pages.
//
// One full pass serves every app due at once. With many apps it reads /proc once: every process's stat,
// each counted for the app whose process group it is in, or whose member its parent is (which also
// counts a child that called setsid). With few apps, reading the whole of /proc would cost more
// than walking each app's tree (its leader, then /proc/<pid>/task/<pid>/children).
import { listPids, ProcHandle, readChildren, readProcStat, readRssPages, type ProcStat } from './proc-stat.js';

/**
 * What a tree walk costs per app, in reads of a whole stat file: the leader's two files are kept
 * open and read with one pread each (a third of an open, read and close apiece). A full pass reads
 * every process on the host once, and also lists /proc.
 */
const WALK_COST = 1;
/** How long the host's process count (for the choice above) is trusted. */
const PROC_COUNT_TTL_MS = 60_000;
/** Bound on one app's tree walk (a fork bomb must not stall the daemon). */
const MAX_TREE = 1024;

/** How a pass finds each app's processes: the cheaper way ('auto'), or one forced (tests). */
export type ReadMode = 'auto' | 'full-pass' | 'tree-walk';

/** One app to read: its leader (whose process group is the app's), and the leader's /proc files once a walk opened them. */
export interface TreeRoot {
  pid: number;
  leader: ProcHandle | null;
}

/** Per-process totals a pass found for one app. */
export interface Usage {
  ticks: Map<number, number>;
  rssPages: number;
}

export class ProcessTreeReader {
  private procCount = 0;
  private procCountAt = -Infinity;
  /** Start times of the processes the current pass saw (to tell a new process from an unseen one). */
  readonly startTimes = new Map<number, number>();

  constructor(private readonly mode: ReadMode) {}

  /** The processes of each target: one pass over /proc, or a walk of each tree when that is cheaper. */
  read<T extends TreeRoot>(targets: T[]): Map<T, Usage> {
    const now = Date.now();
    if (now - this.procCountAt > PROC_COUNT_TTL_MS) {
      this.procCount = listPids().length;
      this.procCountAt = now;
    }
    const walk = this.mode === 'auto' ? targets.length * WALK_COST < this.procCount : this.mode === 'tree-walk';
    return walk ? this.walkTrees(targets) : this.fullPass(targets);
  }

  private fullPass<T extends TreeRoot>(targets: T[]): Map<T, Usage> {
    const byGroup = new Map<number, T>();
    for (const t of targets) byGroup.set(t.pid, t);
    const stats = new Map<number, ProcStat>();
    const pids = listPids();
    this.procCount = pids.length;
    this.procCountAt = Date.now();
    for (const pid of pids) {
      const st = readProcStat(pid);
      if (st !== null) stats.set(pid, st);
    }
    // Owner of each process: its group's app, else its parent's owner (memoized along the chain).
    const owner = new Map<number, T | null>();
    const ownerOf = (pid: number): T | null => {
      const chain: number[] = [];
      let found: T | null = null;
      for (let p = pid; ;) {
        const known = owner.get(p);
        if (known !== undefined) { found = known; break; }
        const st = stats.get(p);
        if (st === undefined) break;
        const group = byGroup.get(st.pgrp);
        chain.push(p);
        if (group !== undefined) { found = group; break; }
        if (st.ppid <= 1 || chain.length > MAX_TREE) break;
        p = st.ppid;
      }
      for (const p of chain) owner.set(p, found);
      return found;
    };
    const usage = new Map<T, Usage>();
    for (const [pid, st] of stats) {
      const t = ownerOf(pid);
      if (t === null) continue;
      let u = usage.get(t);
      if (u === undefined) usage.set(t, u = { ticks: new Map(), rssPages: 0 });
      u.ticks.set(pid, st.cpuTicks);
      u.rssPages += st.rssPages;
      this.startTimes.set(pid, st.startTime);
    }
    return usage;
  }

  private walkTrees<T extends TreeRoot>(targets: T[]): Map<T, Usage> {
    const usage = new Map<T, Usage>();
    for (const t of targets) {
      const u: Usage = { ticks: new Map(), rssPages: 0 };
      const queue: number[] = [t.pid];
      t.leader ??= new ProcHandle(t.pid);
      for (let i = 0; i < queue.length && i < MAX_TREE; i++) {
        const pid = queue[i]!;
        const st = i === 0 ? t.leader.stat() : readProcStat(pid);
        if (st === null) continue;
        u.ticks.set(pid, st.cpuTicks);
        u.rssPages += st.rssPages;
        this.startTimes.set(pid, st.startTime);
        for (const c of i === 0 ? t.leader.children() : readChildren(pid)) queue.push(c);
      }
      usage.set(t, u);
    }
    return usage;
  }
}

/** Resident pages of these processes and all their descendants (bounded like a tree walk). */
export function descendantsRss(queue: number[]): number {
  let pages = 0;
  for (let i = 0; i < queue.length && i < MAX_TREE; i++) {
    pages += readRssPages(queue[i]!) ?? 0;
    for (const c of readChildren(queue[i]!)) queue.push(c);
  }
  return pages;
}
