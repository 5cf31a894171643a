// loghub's real logs (test/fixtures/third-party/loghub): the addresses with >= 5 failed attempts
// within 10 minutes, counted by independent patterns (not bulwark's parsers), and what bulwark flags.
// Used by test/logs/third-party/loghub.test.ts (the bound) and bench/quality.ts (the table).
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { securitySchema } from '../src/config/schema/security.js';
import { scanFiles } from '../src/logs/scan.js';
import type { ExplainRow } from '../src/logs/explain.js';
import { repoRoot } from './repo-root.js';

export const LOGHUB = join(repoRoot(import.meta.dirname), 'test/fixtures/third-party/loghub');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const WINDOW_MS = 10 * 60_000;

/** What counts as a failed attempt in each sample (the ground truth), as independent patterns. */
export const ATTEMPT_PATTERNS: Record<string, RegExp[]> = {
  'OpenSSH_2k.log': [/sshd\[\d+\]: (?:message repeated (?<n>\d+) times: \[ )?Failed \S+ for (?:invalid user )?\S+ from (?<ip>[\d.]+) port \d+/],
  'Linux_2k.log': [
    /sshd\(pam_unix\)\[\d+\]: authentication failure;.* rhost=(?<ip>\d+\.\d+\.\d+\.\d+)(?:\s|$)/,
    /klogind\[\d+\]: Authentication failed from (?<ip>[\d.]+) /,
  ],
  'Apache_2k.log': [],
};

/** `Mmm dd hh:mm:ss` as ms in a fixed year (the samples do not cross a new year). */
function syslogTime(line: string): number {
  const m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})/.exec(line)!;
  return Date.UTC(2016, MONTHS.indexOf(m[1]!), +m[2]!, +m[3]!, +m[4]!, +m[5]!);
}

/** Addresses with `min` attempts inside some window of WINDOW_MS. */
export function attackers(attempts: Map<string, number[]>, min = 5): string[] {
  const out: string[] = [];
  for (const [ip, times] of attempts) {
    times.sort((a, b) => a - b);
    for (let i = 0; i + min - 1 < times.length; i++) {
      if (times[i + min - 1]! - times[i]! <= WINDOW_MS) { out.push(ip); break; }
    }
  }
  return out.sort();
}

/** Failed attempts per address, by the file's ground-truth patterns. */
export function groundTruth(file: string): Map<string, number[]> {
  const attempts = new Map<string, number[]>();
  for (const line of readFileSync(join(LOGHUB, file), 'utf8').split(/\r?\n/)) {
    for (const pattern of ATTEMPT_PATTERNS[file] ?? []) {
      const m = pattern.exec(line);
      if (!m) continue;
      const ip = m.groups!.ip!;
      const n = m.groups!.n === undefined ? 1 : Number(m.groups!.n);
      const list = attempts.get(ip) ?? [];
      for (let i = 0; i < n; i++) list.push(syslogTime(line));
      attempts.set(ip, list);
    }
  }
  return attempts;
}

/** Scans a sample (a copy with a fixed mtime: BSD syslog has no year, the read time supplies it). */
export async function scanLoghub(file: string): Promise<{ flagged: string[]; rows: ExplainRow[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-loghub-'));
  try {
    const copy = join(dir, file);
    copyFileSync(join(LOGHUB, file), copy);
    utimesSync(copy, new Date(Date.UTC(2017, 1, 1)), new Date(Date.UTC(2017, 1, 1)));
    const flagged = new Set<string>();
    const rows: ExplainRow[] = [];
    await scanFiles({
      files: [copy], format: 'auto', security: securitySchema.parse({}),
      onMatch: (m) => { if ((m.kind === 'brute-force' || m.kind === 'credential-stuffing') && m.ip !== null) flagged.add(m.ip); },
      onLine: (row) => { rows.push(row); },
    });
    return { flagged: [...flagged].sort(), rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
