// loghub's real logs (OpenSSH, Linux, Apache; CRLF line ends): with the default config, every address
// with >= 5 failed attempts within 10 minutes (counted here by independent patterns) is flagged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { securitySchema } from '../../../src/config/schema/security.js';
import { scanFiles } from '../../../src/logs/scan.js';
import type { ExplainRow } from '../../../src/logs/explain.js';

const DIR = join(import.meta.dirname, '../../fixtures/third-party/loghub');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WINDOW = 10 * 60_000;

/** `Mmm dd hh:mm:ss` as ms in a fixed year (the samples do not cross a new year). */
function syslogTime(line: string): number {
  const m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})/.exec(line)!;
  return Date.UTC(2016, MONTHS.indexOf(m[1]!), +m[2]!, +m[3]!, +m[4]!, +m[5]!);
}

/** Addresses with `min` attempts inside some 10-minute window. */
function attackers(attempts: Map<string, number[]>, min = 5): string[] {
  const out: string[] = [];
  for (const [ip, times] of attempts) {
    times.sort((a, b) => a - b);
    for (let i = 0; i + min - 1 < times.length; i++) {
      if (times[i + min - 1]! - times[i]! <= WINDOW) { out.push(ip); break; }
    }
  }
  return out.sort();
}

function attemptsBy(file: string, pattern: RegExp): Map<string, number[]> {
  const attempts = new Map<string, number[]>();
  for (const line of readFileSync(join(DIR, file), 'utf8').split(/\r?\n/)) {
    const m = pattern.exec(line);
    if (!m) continue;
    const ip = m.groups!.ip!;
    const n = m.groups!.n === undefined ? 1 : Number(m.groups!.n);
    const list = attempts.get(ip) ?? [];
    for (let i = 0; i < n; i++) list.push(syslogTime(line));
    attempts.set(ip, list);
  }
  return attempts;
}

async function scan(file: string): Promise<{ flagged: string[]; rows: ExplainRow[] }> {
  // A copy with a fixed mtime: BSD syslog has no year, and the read time only supplies it.
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-loghub-'));
  try {
    const copy = join(dir, file);
    copyFileSync(join(DIR, file), copy);
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

test('loghub OpenSSH_2k: every address with >= 5 failed passwords within 10 min is flagged, and nothing else', async () => {
  const expected = attackers(attemptsBy('OpenSSH_2k.log',
    /sshd\[\d+\]: (?:message repeated (?<n>\d+) times: \[ )?Failed \S+ for (?:invalid user )?\S+ from (?<ip>[\d.]+) port \d+/));
  assert.ok(expected.length >= 10, `the sample has ${expected.length} attackers`);
  const { flagged, rows } = await scan('OpenSSH_2k.log');
  assert.deepEqual(flagged, expected);
  assert.equal(rows.length, 2000);
  assert.ok(rows.every((r) => r.format === 'sshd' && r.at !== null && r.at.startsWith('2016-12-')), 'every line read as sshd, with its own time');
});

test('loghub Linux_2k: sshd(pam_unix) and klogind failures from an address are flagged; host-name rhosts are not cut into IPs', async () => {
  const pam = attemptsBy('Linux_2k.log', /sshd\(pam_unix\)\[\d+\]: authentication failure;.* rhost=(?<ip>\d+\.\d+\.\d+\.\d+)(?:\s|$)/);
  const klogind = attemptsBy('Linux_2k.log', /klogind\[\d+\]: Authentication failed from (?<ip>[\d.]+) /);
  for (const [ip, times] of klogind) pam.set(ip, [...(pam.get(ip) ?? []), ...times]);
  const expected = attackers(pam);
  assert.ok(expected.length >= 2, `the sample has ${expected.length} attackers`);
  const { flagged, rows } = await scan('Linux_2k.log');
  assert.deepEqual(flagged, expected);
  for (const r of rows) if (r.ip !== null) assert.match(r.ip, /^\d{1,3}(?:\.\d{1,3}){3}$/, `line ${r.lineNo}: ${r.ip}`);
  assert.ok(rows.every((r) => r.at !== null && /^2016-0[67]-/.test(r.at)), 'every line keeps its own time, not the file mtime');
});

test('loghub Apache_2k (Apache error log, CRLF): read with client addresses and own times; no login failures, nothing flagged', async () => {
  const { flagged, rows } = await scan('Apache_2k.log');
  assert.deepEqual(flagged, []);
  assert.equal(rows.length, 2000);
  assert.ok(rows.every((r) => r.format === 'apache-error' && r.at !== null && r.at.startsWith('2005-12-')));
  const clients = rows.filter((r) => r.ip !== null);
  assert.equal(clients.length, 32, 'the "Directory index forbidden" lines name their client');
  assert.ok(rows.every((r) => r.signal !== 'auth-failure'));
});
