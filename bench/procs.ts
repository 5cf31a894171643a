// What the benches read from /proc: process trees, the processes a run tagged, memory, CPU and pid files.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { listPids, readProcStat } from '../src/supervisor/proc-stat.js';

/** Every live pid and its parent. */
function allProcs(): Map<number, number> {
  const parent = new Map<number, number>();
  for (const pid of listPids()) {
    const st = readProcStat(pid);
    if (st !== null) parent.set(pid, st.ppid); // null: exited
  }
  return parent;
}

/** The given pids and every descendant. */
export function descendants(roots: number[]): number[] {
  const parent = allProcs();
  const out = new Set(roots.filter((p) => parent.has(p)));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parent) if (!out.has(pid) && out.has(ppid)) { out.add(pid); grew = true; }
  }
  return [...out];
}

export function taggedPids(tag: string): number[] {
  const needle = `BENCH_TAG=${tag}`;
  const out: number[] = [];
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(needle)) out.push(pid);
    } catch { /* exited or not ours to read */ }
  }
  return out;
}

export function cmdline(pid: number): string[] {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'); } catch { return []; }
}

export function procMem(pid: number): { rss: number; anon: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rss: Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0), anon: Number(/RssAnon:\s+(\d+)/.exec(s)?.[1] ?? 0) };
  } catch { return { rss: 0, anon: 0 }; }
}

export function cpuTicks(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) ticks += readProcStat(pid)?.cpuTicks ?? 0; // 0: exited
  return ticks;
}

export function readPid(file: string): number | undefined {
  try { const n = Number(readFileSync(file, 'utf8').trim()); return n > 0 ? n : undefined; } catch { return undefined; }
}

/**
 * Anything still carrying the run's tag after `graceMs` (polled every `everyMs`) was started by
 * that run and outlived its cleanup: SIGKILLed. Returns how many.
 */
export async function killTaggedLeftovers(tag: string, graceMs: number, everyMs: number): Promise<number> {
  const deadline = Date.now() + graceMs;
  let left = taggedPids(tag);
  while (left.length > 0 && Date.now() < deadline) { await sleep(everyMs); left = taggedPids(tag); }
  for (const pid of left) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  return left.length;
}
