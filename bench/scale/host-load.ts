// How busy the whole host was over a window (/proc/stat), recorded beside every idle-CPU number.
import { readFileSync } from 'node:fs';

/** Busy and total jiffies of the whole host (/proc/stat), to record how loaded the window was. */
export function hostBusy(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** The share (%) of all cores busy with anything since `before`. */
export function hostShareSince(before: { busy: number; total: number }): number {
  const now = hostBusy();
  return ((now.busy - before.busy) / Math.max(1, now.total - before.total)) * 100;
}
