// One number from a process's /proc status file (VmRSS, voluntary_ctxt_switches, ...).
import { readFileSync } from 'node:fs';

/** `field` of /proc/<pid>/status, or of one of its threads' (/proc/<pid>/task/<tid>/status); kB fields stay in kB. */
export function procStatusField(pid: number, field: string, tid?: number): number {
  const file = tid === undefined ? `/proc/${pid}/status` : `/proc/${pid}/task/${tid}/status`;
  const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readFileSync(file, 'utf8'));
  if (m === null) throw new Error(`no ${field} in ${file}`);
  return Number(m[1]);
}
