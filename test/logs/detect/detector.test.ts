import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { securitySchema } from '../../../src/config/schema/security.js';
import { Detector } from '../../../src/logs/detect/detector.js';
import { OffenderBook } from '../../../src/logs/offenders.js';

const line = (text: string) => ({ app: 'api', source: 'stdout', line: text, readAt: Date.UTC(2024, 9, 10) });
const fail = (s: number, ip: string, user = 'root') => `{"time":${Date.UTC(2024, 9, 10) + s * 1000},"event":"login_failed","user":"${user}","ip":"${ip}"}`;
const ok = (s: number, ip: string, user: string) => `{"time":${Date.UTC(2024, 9, 10) + s * 1000},"event":"login_success","user":"${user}","ip":"${ip}"}`;

test('brute force: 5 failures in 10 min (fail2ban\'s default) fire one event carrying the SPEC fields; nothing for 4 or for the spread case', () => {
  const d = new Detector(securitySchema.parse({}));
  const fired = [0, 150, 300, 450, 600, 601, 602].map((s) => d.inspect(line(fail(s, '192.0.2.1')), 'auto'));
  assert.deepEqual(fired.map((e) => e.length), [0, 0, 0, 0, 1, 0, 0]);
  const e = fired[4]![0]!;
  assert.deepEqual({ kind: e.kind, rule: e.rule, ip: e.ip, user: e.user, count: e.count, severity: e.severity, app: e.app, source: e.source, at: e.at },
    { kind: 'brute-force', rule: 'brute-force-ip', ip: '192.0.2.1', user: 'root', count: 5, severity: 'high', app: 'api', source: 'stdout', at: '2024-10-10T00:10:00.000Z' });
  assert.equal(e.type, 'security');
  assert.ok(e.id.length > 0 && e.message.length > 0);

  const spread = new Detector(securitySchema.parse({}));
  assert.deepEqual([0, 150, 300, 450].map((s) => spread.inspect(line(fail(s, '192.0.2.2')), 'auto').length), [0, 0, 0, 0]);
  assert.equal(spread.inspect(line(`{"time":${Date.UTC(2024, 9, 10) + 600_001},"event":"login_failed","user":"root","ip":"192.0.2.2"}`), 'auto').length, 0);
});

test('slow brute force: 10 failures 5 min apart fire once on the long window (10 in 1 h); a fast attack stays one event', () => {
  const d = new Detector(securitySchema.parse({}));
  const fired = Array.from({ length: 14 }, (_, k) => d.inspect(line(fail(k * 300, '192.0.2.9')), 'auto'));
  assert.deepEqual(fired.map((e) => e.length), [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
  assert.match(fired[9]![0]!.message, /10 failed logins from 192\.0\.2\.9 within 1h/);
  const fast = new Detector(securitySchema.parse({}));
  const burst = Array.from({ length: 30 }, (_, k) => fast.inspect(line(fail(k * 2, '192.0.2.10')), 'auto').length);
  assert.equal(burst.reduce((a, b) => a + b, 0), 1, 'the short window reports it; the long one, reached during that episode, does not add a second event');
  const off = new Detector(securitySchema.parse({ thresholds: { bruteForce: { slow: null } } }));
  assert.equal(Array.from({ length: 14 }, (_, k) => off.inspect(line(fail(k * 300, '192.0.2.11')), 'auto').length).reduce((a, b) => a + b, 0), 0);
});

test('thresholds come from config', () => {
  const d = new Detector(securitySchema.parse({ thresholds: { bruteForce: { maxretry: 2, findtime: '10s' } } }));
  assert.deepEqual([0, 10].map((s) => d.inspect(line(fail(s, '192.0.2.3')), 'auto').length), [0, 1]);
  const e = new Detector(securitySchema.parse({ thresholds: { bruteForce: { maxretry: 2, findtime: '10s' } } }));
  assert.deepEqual([0, 11].map((s) => e.inspect(line(fail(s, '192.0.2.3')), 'auto').length), [0, 0]);
});

test('allow-listed addresses produce nothing and are counted', () => {
  const d = new Detector(securitySchema.parse({ ignore: ['192.0.2.0/24', '2001:db8::/32'] }));
  for (let s = 0; s < 10; s++) assert.equal(d.inspect(line(fail(s, '::ffff:192.0.2.7')), 'auto').length, 0);
  assert.equal(d.inspect(line('{"category":"malicious-traffic","ip":"2001:db8::5"}'), 'auto').length, 0);
  assert.equal(d.inspect(line('2024-10-10T00:00:00Z Login failed for user x from 192.0.2.8'), 'auto').length, 0);
  assert.equal(d.ignored, 12);
  assert.equal(d.inspect(line('{"category":"malicious-traffic","ip":"198.51.100.1"}'), 'auto').length, 1);
});

test('custom rules match a field or the whole line with their kind and severity', () => {
  const d = new Detector(securitySchema.parse({ custom: [
    { name: 'log4shell', pattern: '\\$\\{jndi:', kind: 'custom', severity: 'critical' },
    { name: 'bad-agent', pattern: '^badbot', field: 'userAgent', flags: 'i', kind: 'sensitive-file', severity: 'low' },
    { name: 'tenant', pattern: '^evil$', field: 'ctx.tenant' },
  ] }));
  const a = d.inspect(line('{"msg":"${jndi:ldap://x}"}'), 'auto');
  assert.deepEqual(a.map((e) => [e.kind, e.rule, e.severity]), [['custom', 'log4shell', 'critical']]);
  const b = d.inspect(line('192.0.2.1 - - [10/Oct/2024:13:55:36 +0000] "GET / HTTP/1.1" 200 1 "-" "BadBot/1.3"'), 'auto');
  assert.deepEqual(b.map((e) => [e.kind, e.rule, e.severity]), [['sensitive-file', 'bad-agent', 'low']]);
  assert.equal(d.inspect(line('{"ctx":{"tenant":"evil"}}'), 'auto')[0]?.rule, 'tenant');
  assert.equal(d.inspect(line('{"ctx":{"tenant":"evil2"}}'), 'auto').length, 0);
});

test('rules: none keeps only tags and custom rules; ignorePaths silences sensitive-file for paths the app serves', () => {
  const none = new Detector(securitySchema.parse({ rules: 'none' }));
  assert.equal(none.inspect(line('192.0.2.1 - - [10/Oct/2024:13:55:36 +0000] "GET /.env HTTP/1.1" 404 1 "-" "x"'), 'auto').length, 0);
  assert.equal(none.inspect(line('{"tags":["malicious"]}'), 'auto').length, 1);
  const wp = new Detector(securitySchema.parse({ ignorePaths: ['/wp-admin', '/wp-login.php'] }));
  assert.equal(wp.inspect(line('192.0.2.1 - - [10/Oct/2024:13:55:36 +0000] "GET /wp-admin/ HTTP/1.1" 200 1 "-" "x"'), 'auto').length, 0);
  assert.equal(wp.inspect(line('192.0.2.1 - - [10/Oct/2024:13:55:36 +0000] "GET /.git/config HTTP/1.1" 404 1 "-" "x"'), 'auto').length, 1);
});

test('the shared empty result is frozen (no allocation per quiet line)', () => {
  const d = new Detector(securitySchema.parse({}));
  const a = d.inspect(line('{"msg":"ok"}'), 'auto');
  const b = d.inspect(line('hello'), 'auto');
  assert.equal(a, b);
  assert.ok(Object.isFrozen(a));
});

test('new-ip-login history survives a restart through stateDir; the first login never alerts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-detect-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cfg = securitySchema.parse({});
  const d1 = new Detector(cfg, { stateDir: dir });
  assert.equal(d1.inspect(line(ok(0, '192.0.2.10', 'bob')), 'auto').length, 0);
  await d1.flush();
  const d2 = new Detector(cfg, { stateDir: dir });
  assert.equal(d2.inspect(line(ok(10, '192.0.2.10', 'bob')), 'auto').length, 0, 'known address after restart');
  const e = d2.inspect(line(ok(20, '198.51.100.3', 'bob')), 'auto');
  assert.deepEqual(e.map((x) => [x.kind, x.user, x.ip]), [['new-ip-login', 'bob', '198.51.100.3']]);
  assert.equal(d2.inspect(line(ok(30, '198.51.100.3', 'new-user')), 'auto').length, 0);
  await d2.flush();
  const records = readFileSync(join(dir, 'known-ips.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { user: string; ips: string[] });
  assert.deepEqual(records.filter((r) => r.user === 'bob').at(-1)!.ips, ['192.0.2.10', '198.51.100.3']);
  assert.equal(new Detector({ ...cfg, newIpLogin: false }).inspect(line(ok(0, '1.1.1.1', 'z')), 'auto').length, 0);
});

test('offender book counts by kind with first/last seen and persists its changes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-offenders-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'offenders.jsonl');
  const book = new OffenderBook(file);
  const d = new Detector(securitySchema.parse({}), { offenders: book });
  d.inspect(line('{"time":"2024-10-10T10:00:00Z","category":"malicious-traffic","ip":"192.0.2.50","user":"mallory"}'), 'auto');
  d.inspect(line('192.0.2.50 - - [10/Oct/2024:11:00:00 +0000] "GET /.env HTTP/1.1" 404 1 "-" "x"'), 'auto');
  await d.flush();
  const reread = new OffenderBook(file).list();
  const ip = reread.find((o) => o.type === 'ip' && o.value === '192.0.2.50')!;
  assert.deepEqual(ip.counts, { tagged: 1, 'sensitive-file': 1 });
  assert.equal(ip.total, 2);
  assert.equal(ip.firstSeen, '2024-10-10T10:00:00.000Z');
  assert.equal(ip.lastSeen, '2024-10-10T11:00:00.000Z');
  assert.deepEqual(reread.find((o) => o.type === 'user')?.value, 'mallory');
  assert.equal(reread[0]!.value, '192.0.2.50', 'most recently seen first');
});
