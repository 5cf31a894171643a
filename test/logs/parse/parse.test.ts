import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthOutcome, parseLine } from '../../../src/logs/parse/index.js';
import { normaliseIp } from '../../../src/logs/parse/ip.js';
import { parseLogTime } from '../../../src/logs/parse/time.js';

test('pino-http: req/res nesting, ::ffff: stripped, user agent from headers, epoch-ms time', () => {
  const p = parseLine('{"level":30,"time":1728554400000,"req":{"method":"POST","url":"/login?x=1","headers":{"user-agent":"curl/8"},"remoteAddress":"::ffff:192.0.2.1"},"res":{"statusCode":401},"msg":"request completed"}', 'auto');
  assert.equal(p.format, 'json');
  assert.deepEqual([p.ip, p.method, p.url, p.status, p.userAgent, p.message], ['192.0.2.1', 'POST', '/login?x=1', 401, 'curl/8', 'request completed']);
  assert.equal(parseLogTime(p.timeRaw, 0), 1728554400000);
});

test('winston: timestamp/message/level, user aliases and objects', () => {
  const a = parseLine('{"level":"info","message":"hi","timestamp":"2024-10-10T10:00:00.000Z","username":"bob","client_ip":"192.0.2.2"}', 'auto');
  assert.deepEqual([a.user, a.ip, a.message], ['bob', '192.0.2.2', 'hi']);
  assert.equal(parseLogTime(a.timeRaw, 0), Date.UTC(2024, 9, 10, 10));
  const b = parseLine('{"msg":"x","user":{"name":"carol","id":7},"req":{"ip":"2001:DB8::1"}}', 'auto');
  assert.deepEqual([b.user, b.ip], ['carol', '2001:db8::1']);
  const c = parseLine('{"msg":"x","userId":42,"headers":{"x-forwarded-for":"203.0.113.9, 10.0.0.1"}}', 'auto');
  assert.deepEqual([c.user, c.ip], ['42', '203.0.113.9']);
  const d = parseLine('{"msg":"x","ip":"10.0.0.1","headers":{"x-forwarded-for":"203.0.113.9"}}', 'auto');
  assert.equal(d.ip, '10.0.0.1', 'a direct address wins over a spoofable X-Forwarded-For');
});

test('JSON outcome fields make a login event', () => {
  assert.equal(parseLine('{"event":"login","success":false,"user":"a"}', 'auto').auth, AuthOutcome.Failure);
  assert.equal(parseLine('{"action":"user.login","outcome":"success","user":"a"}', 'auto').auth, AuthOutcome.Success);
  assert.equal(parseLine('{"event":"page_view","success":false}', 'auto').auth, AuthOutcome.None);
});

test('nginx/apache combined: fields, escaped quotes, CLF time with zone', () => {
  const p = parseLine('192.0.2.3 - frank [10/Oct/2024:13:55:36 -0700] "GET /a?b=\\"c\\" HTTP/1.1" 404 12 "https://r.example/" "Mozilla/5.0 (X)"', 'auto');
  assert.equal(p.format, 'clf');
  assert.deepEqual([p.ip, p.user, p.method, p.url, p.status, p.userAgent], ['192.0.2.3', 'frank', 'GET', '/a?b=\\"c\\"', 404, 'Mozilla/5.0 (X)']);
  assert.equal(parseLogTime(p.timeRaw, 0), Date.UTC(2024, 9, 10, 20, 55, 36));
});

test('sshd and sshd-session (OpenSSH 9.8+) lines, BSD and RFC 3339 timestamps', () => {
  const a = parseLine('Oct 10 13:55:36 host sshd[1]: Failed password for invalid user admin from 192.0.2.4 port 22 ssh2', 'auto');
  assert.deepEqual([a.format, a.auth, a.user, a.ip], ['sshd', AuthOutcome.Failure, 'admin', '192.0.2.4']);
  const b = parseLine('2024-10-10T13:55:36.123456+00:00 host sshd-session[2]: Accepted publickey for deploy from 2001:db8::9 port 22 ssh2: ED25519 SHA256:x', 'auto');
  assert.deepEqual([b.format, b.auth, b.user, b.ip], ['sshd', AuthOutcome.Success, 'deploy', '2001:db8::9']);
  assert.equal(parseLogTime(b.timeRaw, 0), Date.UTC(2024, 9, 10, 13, 55, 36, 123));
  assert.equal(parseLogTime(a.timeRaw, Date.UTC(2024, 11, 1)), Date.UTC(2024, 9, 10, 13, 55, 36));
  assert.equal(parseLogTime('Dec 31 23:59:59', Date.UTC(2025, 0, 1, 0, 0, 5)), Date.UTC(2024, 11, 31, 23, 59, 59), 'December lines read in January are last year');
});

test('forced formats fall back to text, and text keeps a leading timestamp', () => {
  const p = parseLine('not json at all', 'json');
  assert.equal(p.format, 'text');
  const t = parseLine('2024-10-10 13:55:36,120 WARN something', 'auto');
  assert.equal(parseLogTime(t.timeRaw, 0), Date.UTC(2024, 9, 10, 13, 55, 36, 120));
  assert.equal(parseLine('{"a":1}', 'text').format, 'text');
});

test('normaliseIp strips ::ffff:, brackets, zones and IPv4 ports', () => {
  assert.equal(normaliseIp('::ffff:10.0.0.1'), '10.0.0.1');
  assert.equal(normaliseIp('[2001:DB8::1]'), '2001:db8::1');
  assert.equal(normaliseIp('fe80::1%eth0'), 'fe80::1');
  assert.equal(normaliseIp('10.0.0.1:5050'), '10.0.0.1');
  assert.equal(normaliseIp('-'), null);
});

test('Suhosin alerts: the address is the closing (attacker, file) field, never one inside the request text', () => {
  const a = parseLine("Mar 11 22:52:12 web lighttpd[53690]: (mod_fastcgi.c.2676) FastCGI-stderr: ALERT - configured request variable name length limit exceeded - dropped variable 'x (attacker '203.0.113.66', file 'y')' (attacker '198.51.100.19', file '/usr/local/www/index.php')", 'auto');
  assert.deepEqual([a.format, a.ip], ['syslog', '198.51.100.19']);
  const b = parseLine("Feb 26 22:52:29 host suhosin[9636]: ALERT - script tried to increase memory_limit to 268435456 bytes which is above the allowed value (attacker '2001:DB8::7', file '/var/www/image.php', line 161)", 'auto');
  assert.equal(b.ip, '2001:db8::7');
  const forged = parseLine("Feb 26 22:52:29 host suhosin[9636]: ALERT - dropped variable 'v' (attacker '198.51.100.1', file '/x.php') trailing", 'auto');
  assert.equal(forged.ip, null, 'no closing field: no address');
  const other = parseLine("Feb 26 22:52:29 host myapp[1]: ALERT - x (attacker '198.51.100.1', file '/x.php')", 'auto');
  assert.equal(other.ip, null, 'only Suhosin and the programs it writes through');
});
