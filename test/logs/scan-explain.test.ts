// `bulwark scan --explain` end to end (a real child process), and the two regressions of issue 11:
// the attacker must not choose the reported address, and a line's own time wins over the file's mtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
function bulwark(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', timeout: 60_000 });
}
function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-explain-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
const rowsOf = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

test('scan --explain --json: one object per input line, in order, with the SPEC fields', (t) => {
  const dir = tempDir(t);
  const log = join(dir, 'mixed.log');
  writeFileSync(log, [
    'Oct 10 13:55:36 web1 sshd[4242]: Failed password for root from 198.51.100.50 port 50122 ssh2',
    '198.51.100.2 - - [10/Oct/2024:13:55:37 +0000] "GET /.env HTTP/1.1" 404 1 "-" "x"',
    '{"time":"2024-10-10T13:55:38Z","msg":"request completed","req":{"method":"GET","url":"/","remoteAddress":"::ffff:198.51.100.3"},"res":{"statusCode":200}}',
    'just some text',
    'Oct 10 13:55:39 web1 sshd[4243]: Accepted publickey for deploy from 198.51.100.4 port 50123 ssh2: ED25519 SHA256:x',
  ].join('\n') + '\n');
  const r = bulwark(['scan', '--explain', '--json', log]);
  assert.equal(r.status, 0, r.stderr);
  const rows = rowsOf(r.stdout);
  assert.equal(rows.length, 5);
  assert.deepEqual(Object.keys(rows[0]!), ['file', 'lineNo', 'format', 'at', 'ip', 'user', 'signal', 'kinds']);
  assert.deepEqual(rows.map((x) => [x.lineNo, x.format, x.ip, x.signal]), [
    [1, 'sshd', '198.51.100.50', 'auth-failure'], [2, 'clf', '198.51.100.2', 'request'], [3, 'json', '198.51.100.3', 'request'],
    [4, 'text', null, null], [5, 'sshd', '198.51.100.4', 'auth-success'],
  ]);
  assert.deepEqual(rows[0]!.kinds, ['brute-force', 'credential-stuffing'], 'a failed login feeds the brute-force and stuffing windows');
  assert.deepEqual(rows[1]!.kinds, ['sensitive-file']);
  assert.equal(rows[2]!.at, '2024-10-10T13:55:38.000Z');

  const text = bulwark(['scan', '--explain', log]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /Lines: 5 read in 1 file\(s\)/);
  assert.match(text.stdout, /auth-failure\s+1/);
  assert.match(text.stdout, /sensitive-env-file\s+1/);
  assert.match(text.stdout, /missed \(no signal, no kind\) by format\s+lines\s+text\s+1/);
});

test('regression: a user name holding "from 10.10.1.2 port 55555 ssh2" does not choose the reported address', (t) => {
  const dir = tempDir(t);
  const log = join(dir, 'auth.log');
  // The line of issue 11, five times (new sessions): the client is 127.0.0.1, as OpenSSH wrote it last.
  writeFileSync(log, Array.from({ length: 5 }, (_, k) =>
    `Nov 11 08:04:5${k} redbamboo sshd[${2737 + k}]: Failed password for invalid user test from 10.10.1.2 port 55555 ssh2 from 127.0.0.1 port ${58946 + k} ssh2`).join('\n') + '\n');
  const events = rowsOf(bulwark(['scan', '--json', log]).stdout);
  const bf = events.filter((e) => e.kind === 'brute-force');
  assert.equal(bf.length, 1);
  assert.equal(bf[0]!.ip, '127.0.0.1');
  assert.ok(!JSON.stringify(events.filter((e) => !('summary' in e)).map((e) => e.ip)).includes('10.10.1.2'));
  const rows = rowsOf(bulwark(['scan', '--explain', '--json', log]).stdout);
  assert.deepEqual(rows.map((x) => [x.ip, x.user, x.signal]), Array(5).fill(['127.0.0.1', 'test from 10.10.1.2 port 55555 ssh2', 'auth-failure']));
});

test('regression: lines keep their own time, never the file mtime (7 failures over 16 days fire nothing); host names are not IPs', (t) => {
  const dir = tempDir(t);
  const log = join(dir, 'secure');
  const lines = [1, 3, 5, 8, 10, 13, 16].map((d) =>
    `Jun ${String(d).padStart(2, ' ')} 15:16:01 combo sshd(pam_unix)[${19900 + d}]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=198.51.100.9  user=root`);
  lines.push('Jun 16 15:17:00 combo sshd(pam_unix)[20001]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=061092085098.ctinets.com  user=guest');
  lines.push('a continuation line without a time of its own');
  writeFileSync(log, lines.join('\n') + '\n');
  const mtime = new Date(Date.UTC(2016, 7, 1));
  utimesSync(log, mtime, mtime);
  const events = rowsOf(bulwark(['scan', '--json', log]).stdout);
  assert.deepEqual(events.filter((e) => !('summary' in e)), [], 'no threshold fires: the failures are days apart');
  const rows = rowsOf(bulwark(['scan', '--explain', '--json', log]).stdout);
  assert.deepEqual(rows.slice(0, 7).map((x) => x.at), [1, 3, 5, 8, 10, 13, 16].map((d) => new Date(Date.UTC(2016, 5, d, 15, 16, 1)).toISOString()));
  assert.deepEqual(rows.slice(0, 7).map((x) => [x.ip, x.signal]), Array(7).fill(['198.51.100.9', 'auth-failure']));
  assert.deepEqual([rows[7]!.ip, rows[7]!.user, rows[7]!.signal], [null, 'guest', 'auth-failure'], 'rhost=061092085098.ctinets.com is a host name, not an address');
  assert.equal(rows[8]!.at, '2016-06-16T15:17:00.000Z', 'a line without a time takes the previous line\'s, not the mtime');
});
