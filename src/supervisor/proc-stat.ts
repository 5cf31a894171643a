// A reader for /proc/<pid>/stat: parent, group, session, CPU ticks, start time (to tell a recycled
// pid apart) and RSS. Synchronous on purpose: procfs reads never block on disk. One shared buffer
// and a parse over its bytes (no string split): a sampling pass reads every process on the host,
// so each read costs one open, one read and one close (~7 µs), not a readFileSync's extra fstat
// and string.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  /** Field 22: clock ticks after boot; with the pid it names one process lifetime. */
  startTime: number;
  /** Resident set size in pages. */
  rssPages: number;
}

let clock: { ticksPerSec: number; pageSize: number; bootMs: number } | undefined;

/**
 * The units of /proc figures: clock ticks per second (CPU), the page size (RSS), and when the
 * host booted (ms since the epoch, to place a start time), asked once.
 */
export function procClock(): { ticksPerSec: number; pageSize: number; bootMs: number } {
  if (clock === undefined) {
    const conf = (name: string, fallback: number): number => {
      try {
        return Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim()) || fallback;
      } catch {
        return fallback;
      }
    };
    let bootMs = 0;
    try {
      bootMs = Date.now() - Number(readFileSync('/proc/uptime', 'latin1').split(' ')[0]) * 1000;
    } catch { /* no procfs: start times are not used */ }
    clock = { ticksPerSec: conf('CLK_TCK', 100), pageSize: conf('PAGESIZE', 4096), bootMs };
  }
  return clock;
}

const buf = Buffer.allocUnsafe(1024);
const CLOSE_PAREN = 0x29;
const SPACE = 0x20;

/** Parsed /proc/<pid>/stat, or null when the process does not exist (or procfs is absent). */
export function readProcStat(pid: number): ProcStat | null {
  let n: number;
  try {
    const fd = openSync(`/proc/${pid}/stat`, 'r');
    try {
      n = readSync(fd, buf, 0, buf.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  return parseStat(pid, n);
}

/**
 * A process's /proc files kept open and read again with one pread each (an open, read and close
 * cost three times that): for the leaders the sampler reads every period. Each file is opened on
 * first use (an app judged on memory alone never opens its stat). An open file belongs to the
 * process, not to its pid number: once the process is gone a read fails and the handle answers
 * null, even if the number was given to another process since.
 */
export class ProcHandle {
  // Each file's descriptor: UNOPENED until first used, GONE once an open or read failed (fields,
  // not a Map: a thousand handles are read every period, and each is ~100 bytes smaller so).
  private statFd = UNOPENED;
  private statmFd = UNOPENED;
  private childrenFd = UNOPENED;

  constructor(readonly pid: number) {}

  stat(): ProcStat | null {
    if (this.statFd === UNOPENED) this.statFd = openQuietly(`/proc/${this.pid}/stat`);
    const n = this.read(this.statFd);
    return n === null ? null : parseStat(this.pid, n);
  }

  /** Resident pages, from statm (a fifth of what stat costs the kernel to write). */
  rssPages(): number | null {
    if (this.statmFd === UNOPENED) this.statmFd = openQuietly(`/proc/${this.pid}/statm`);
    const n = this.read(this.statmFd);
    return n === null ? null : parseStatmRss(n);
  }

  /** Pids of the direct children ([] when unknown). */
  children(): readonly number[] {
    if (this.childrenFd === UNOPENED) this.childrenFd = openQuietly(`/proc/${this.pid}/task/${this.pid}/children`);
    const n = this.read(this.childrenFd);
    if (n === null) return NO_PIDS;
    // A longer list than the buffer holds: read it whole.
    if (n === buf.length) return readChildren(this.pid);
    return n === 0 ? NO_PIDS : parsePids(n);
  }

  close(): void {
    for (const fd of [this.statFd, this.statmFd, this.childrenFd]) if (fd >= 0) try { closeSync(fd); } catch { /* already */ }
    this.statFd = this.statmFd = this.childrenFd = GONE;
  }

  /** Bytes of one file read into `buf`, or null once the process is gone. */
  private read(fd: number): number | null {
    if (fd < 0) return null;
    try {
      return readSync(fd, buf, 0, buf.length, 0);
    } catch {
      this.close();
      return null;
    }
  }
}

const UNOPENED = -1;
const GONE = -2;
const NO_PIDS: readonly number[] = Object.freeze([]);

/** Resident pages of pid (statm's second field), or null when the process does not exist. */
export function readRssPages(pid: number): number | null {
  let n: number;
  try {
    const fd = openSync(`/proc/${pid}/statm`, 'r');
    try {
      n = readSync(fd, buf, 0, buf.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  return parseStatmRss(n);
}

function parseStatmRss(n: number): number {
  let i = buf.indexOf(SPACE) + 1;
  let v = 0;
  while (i > 0 && i < n && buf[i]! >= 48 && buf[i]! <= 57) v = v * 10 + buf[i++]! - 48;
  return v;
}

/** Space-separated pids in buf[0, n). */
function parsePids(n: number): number[] {
  const out: number[] = [];
  for (let i = 0, v = -1; i <= n; i++) {
    const c = i < n ? buf[i]! : SPACE;
    if (c >= 48 && c <= 57) v = (v < 0 ? 0 : v * 10) + c - 48;
    else if (v >= 0) { out.push(v); v = -1; }
  }
  return out;
}

function openQuietly(path: string): number {
  try {
    return openSync(path, 'r');
  } catch {
    return GONE;
  }
}

function parseStat(pid: number, n: number): ProcStat | null {
  // comm (field 2) may hold spaces and parentheses: fields restart after the last ')'.
  let i = buf.lastIndexOf(CLOSE_PAREN, n - 1) + 2;
  if (i < 2 || i >= n) return null;
  const state = String.fromCharCode(buf[i]!);
  let ppid = 0; let pgrp = 0; let session = 0; let utime = 0; let stime = 0; let startTime = 0; let rssPages = 0;
  // Field 3 is the state; count fields from there.
  let field = 3;
  i += 2;
  while (i < n && field < 24) {
    field++;
    let v = 0;
    let neg = false;
    if (buf[i] === 0x2d) { neg = true; i++; }
    while (i < n && buf[i] !== SPACE) v = v * 10 + buf[i++]! - 48;
    i++;
    if (neg) v = -v;
    switch (field) {
      case 4: ppid = v; break;
      case 5: pgrp = v; break;
      case 6: session = v; break;
      case 14: utime = v; break;
      case 15: stime = v; break;
      case 22: startTime = v; break;
      case 24: rssPages = v; break;
      default: break;
    }
  }
  return { pid, state, ppid, pgrp, session, cpuTicks: utime + stime, startTime, rssPages };
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

/** Every pid in /proc ([] without procfs). */
export function listPids(): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const e of entries) {
    const c = e.charCodeAt(0);
    if (c >= 48 && c <= 57) out.push(Number(e));
  }
  return out;
}

/** True while pid runs; a zombie (exited, its parent has not reaped it yet) counts as gone. */
export function isRunning(pid: number): boolean {
  try { process.kill(pid, 0); } catch { return false; }
  return readProcStat(pid)?.state !== 'Z';
}

/** Every live process whose process group is `pgid` (a full /proc scan: only for rare paths). */
export function listGroupMembers(pgid: number): ProcStat[] {
  const out: ProcStat[] = [];
  for (const pid of listPids()) {
    const st = readProcStat(pid);
    if (st !== null && st.pgrp === pgid && st.state !== 'Z') out.push(st);
  }
  return out;
}
