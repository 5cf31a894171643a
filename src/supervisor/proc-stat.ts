// A reader for /proc/<pid>/stat: start time (to tell a recycled pid apart), group, session,
// CPU ticks and RSS. Synchronous on purpose: procfs reads never block on disk and cost ~20 µs.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  state: string;
  pgrp: number;
  session: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  /** Field 22: clock ticks after boot; with the pid it names one process lifetime. */
  startTime: number;
  /** Resident set size in pages. */
  rssPages: number;
}

let clock: { ticksPerSec: number; pageSize: number } | undefined;

/** The units of /proc figures: clock ticks per second (CPU) and the page size (RSS); asked once. */
export function procClock(): { ticksPerSec: number; pageSize: number } {
  if (clock === undefined) {
    const conf = (name: string, fallback: number): number => {
      try {
        return Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim()) || fallback;
      } catch {
        return fallback;
      }
    };
    clock = { ticksPerSec: conf('CLK_TCK', 100), pageSize: conf('PAGESIZE', 4096) };
  }
  return clock;
}

/** Parsed /proc/<pid>/stat, or null when the process does not exist (or procfs is absent). */
export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // comm (field 2) may hold spaces and parentheses: fields restart after the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    state: f[0]!,
    pgrp: Number(f[2]),
    session: Number(f[3]),
    cpuTicks: Number(f[11]) + Number(f[12]),
    startTime: Number(f[19]),
    rssPages: Number(f[21]),
  };
}

/** Pids of the direct children of `pid` (main thread), [] if unknown. Needs CONFIG_PROC_CHILDREN. */
export function readChildren(pid: number): number[] {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const s of text.split(' ')) if (s !== '' && s !== '\n') out.push(Number(s));
  return out;
}

/** Every live process whose process group is `pgid` (a full /proc scan: only for rare paths). */
export function listGroupMembers(pgid: number): ProcStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const e of entries) {
    const c = e.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const st = readProcStat(Number(e));
    if (st !== null && st.pgrp === pgid && st.state !== 'Z') out.push(st);
  }
  return out;
}


/** True while pid runs; a zombie (exited, its parent has not reaped it yet) counts as gone. */
export function isRunning(pid: number): boolean {
  try { process.kill(pid, 0); } catch { return false; }
  return readProcStat(pid)?.state !== 'Z';
}
