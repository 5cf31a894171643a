// The formats of issue 11: each parser on a real-shaped line (fields, time, address validation).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthOutcome, parseLine } from '../../../src/logs/parse/index.js';
import { normaliseIp } from '../../../src/logs/parse/ip.js';
import { parseLogTime } from '../../../src/logs/parse/time.js';

const time = (raw: string | number | null) => new Date(parseLogTime(raw, Date.UTC(2024, 11, 1))).toISOString();

test('an ip field is a valid address or null: host names, fragments and octal-looking quads are not addresses', () => {
  for (const bad of ['example.com', '061092085098.', '061092085098', '192.030.0.6', '1.2.3.4.5', '256.1.1.1', '1.2.3', 'fe80::zz', '-', ''])
    assert.equal(normaliseIp(bad), null, bad);
  assert.equal(normaliseIp('[2001:db8::1]:443'), '2001:db8::1');
  assert.equal(normaliseIp('::FFFF:198.51.100.1'), '198.51.100.1');
  assert.equal(normaliseIp('198.51.100.1:8080'), '198.51.100.1');
  const clf = parseLine('crawler.example.com - - [10/Oct/2024:13:55:36 +0000] "GET / HTTP/1.1" 200 1 "-" "x"', 'auto');
  assert.deepEqual([clf.format, clf.ip], ['clf', null], 'HostnameLookups On: the host is not an address');
});

test('vhost_combined (Debian other_vhosts_access.log): vhost first, then the client', () => {
  const p = parseLine('www.example.com:443 198.51.100.7 - - [10/Oct/2024:13:55:36 +0000] "GET /wp-login.php HTTP/1.1" 404 162 "-" "curl/8"', 'auto');
  assert.deepEqual([p.format, p.ip, p.method, p.url, p.status, p.userAgent], ['vhost', '198.51.100.7', 'GET', '/wp-login.php', 404, 'curl/8']);
});

test('morgan: combined and common are CLF; dev and tiny (coloured or not) carry method, url and status', () => {
  assert.equal(parseLine('::ffff:198.51.100.8 - - [10/Oct/2024:13:55:36 +0000] "GET /x HTTP/1.1" 200 2 "-" "curl/8"', 'auto').ip, '198.51.100.8');
  const dev = parseLine('\u001b[0mGET /search?q=1 \u001b[32m200\u001b[0m 3.123 ms - 12\u001b[0m', 'auto');
  assert.deepEqual([dev.format, dev.method, dev.url, dev.status], ['morgan', 'GET', '/search?q=1', 200]);
  const tiny = parseLine('POST /login 401 12 - 4.5 ms', 'auto');
  assert.deepEqual([tiny.format, tiny.method, tiny.url, tiny.status], ['morgan', 'POST', '/login', 401]);
});

test('Caddy and Traefik JSON access logs', () => {
  const caddy = parseLine('{"level":"info","ts":1728568536.5,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"198.51.100.9","remote_port":"5123","proto":"HTTP/2.0","method":"GET","host":"example.com","uri":"/.git/config","headers":{"User-Agent":["Nuclei"]}},"status":404}', 'auto');
  assert.deepEqual([caddy.format, caddy.ip, caddy.method, caddy.url, caddy.status, caddy.userAgent], ['json', '198.51.100.9', 'GET', '/.git/config', 404, 'Nuclei']);
  assert.equal(time(caddy.timeRaw), '2024-10-10T13:55:36.500Z');
  const traefik = parseLine('{"ClientAddr":"198.51.100.10:4242","ClientHost":"198.51.100.10","ClientUsername":"-","DownstreamStatus":401,"RequestMethod":"POST","RequestPath":"/login","StartUTC":"2024-10-10T13:55:36.1Z","request_User-Agent":"python-requests/2.31"}', 'auto');
  assert.deepEqual([traefik.ip, traefik.user, traefik.method, traefik.url, traefik.status, traefik.userAgent], ['198.51.100.10', null, 'POST', '/login', 401, 'python-requests/2.31']);
  assert.equal(time(traefik.timeRaw), '2024-10-10T13:55:36.100Z');
});

test('journald: -o short-iso lines and -o json entries are syslog messages (sshd sessions included)', () => {
  const iso = parseLine('2024-10-10T13:55:36+0000 web1 sshd[4242]: Failed password for root from 198.51.100.11 port 50122 ssh2', 'auto');
  assert.deepEqual([iso.format, iso.ip, iso.auth, time(iso.timeRaw)], ['sshd', '198.51.100.11', AuthOutcome.Failure, '2024-10-10T13:55:36.000Z']);
  const json = parseLine('{"__REALTIME_TIMESTAMP":"1728568536123456","_HOSTNAME":"web1","SYSLOG_IDENTIFIER":"sshd","_PID":"4242","MESSAGE":"Invalid user oracle from 198.51.100.12 port 4000"}', 'auto');
  assert.deepEqual([json.format, json.ip, json.user, json.host, json.pid, json.auth], ['journal', '198.51.100.12', 'oracle', 'web1', '4242', AuthOutcome.Failure]);
  assert.equal(time(json.timeRaw), '2024-10-10T13:55:36.123Z');
});

test('RFC 5424 (structured data with brackets in values), syslog without a host name, TAI64N, ISO app lines', () => {
  const r = parseLine('<38>1 2019-07-08T17:40:17.954167-04:00 host.example.com sshd 55555 - [timeQuality tzKnown="1"][x@1 t="[b]"] Failed unknown for invalid user redmond from 192.0.2.2 port 55555 ssh2', 'auto');
  assert.deepEqual([r.format, r.ip, r.user, r.host, r.pid, time(r.timeRaw)], ['sshd', '192.0.2.2', 'redmond', 'host.example.com', '55555', '2019-07-08T21:40:17.954Z']);
  const noHost = parseLine('Nov 23 21:50:19 sshd[8148]: Disconnecting: Too many authentication failures for root [preauth]', 'auto');
  assert.deepEqual([noHost.format, noHost.host, noHost.pid, noHost.program], ['sshd', null, '8148', 'sshd']);
  const tai = parseLine('@400000004c91b044077a9e94 imap-login: Info: Aborted login (auth failed, 3 attempts): user=<a@b>, method=PLAIN, rip=198.51.100.13, lip=10.0.0.1', 'auto');
  assert.deepEqual([tai.program, tai.ip, tai.auth, tai.attempts, time(tai.timeRaw)], ['dovecot', '198.51.100.13', AuthOutcome.Failure, 3, '2010-09-16T05:50:50.125Z']);
  const app = parseLine('2024-10-10 13:55:36,120 WARN Login failed for user carol from 198.51.100.14', 'auto');
  assert.equal(time(app.timeRaw), '2024-10-10T13:55:36.120Z');
});

test('nginx and Apache error logs: client address from the field the server fills, auth failures, request target', () => {
  const n = parseLine('2024/10/10 13:55:36 [error] 2865#0: *66647 user "admin": password mismatch, client: 198.51.100.15, server: example.com, request: "GET /admin HTTP/1.1", host: "example.com"', 'auto');
  assert.deepEqual([n.format, n.ip, n.user, n.auth, n.url, time(n.timeRaw)], ['nginx-error', '198.51.100.15', 'admin', AuthOutcome.Failure, '/admin', '2024-10-10T13:55:36.000Z']);
  // The user name carries a fake context; the first context whose rest is nginx's field list is the real one.
  const inj = parseLine('2024/10/10 13:55:36 [error] 30708#0: *3 user "x": password mismatch, client: 127.0.0.1, server: t, request: "GET / HTTP/1.1", host: "h"": was not found in "/etc/nginx/.htpasswd", client: 198.51.100.16, server: , request: "GET / HTTP/1.1", host: "h"', 'auto');
  assert.equal(inj.ip, '198.51.100.16');
  const a22 = parseLine('[Thu Jul 11 01:21:43 2013] [error] [client 198.51.100.17] user dsfasdf not found: /', 'auto');
  assert.deepEqual([a22.format, a22.ip, a22.user, a22.auth, time(a22.timeRaw)], ['apache-error', '198.51.100.17', 'dsfasdf', AuthOutcome.Failure, '2013-07-11T01:21:43.000Z']);
  const a24 = parseLine('[Sat Jul 20 22:11:44.147674 2013] [authz_owner:error] [pid 17540:tid 1] [client [2001:db8::80da:af6b:8b2c]:51548] AH01637: Authorization of user test-ipv6 to access /x failed, reason: file owner dan does not match', 'auto');
  assert.deepEqual([a24.ip, a24.user, a24.auth], ['2001:db8::80da:af6b:8b2c', 'test-ipv6', AuthOutcome.Failure]);
  const dos = parseLine('[Sat Jun 01 02:17:42 2013] [error] [client 192.168.33.1] File does not exist: /srv/http/site/[client 192.168.0.1] user root not found', 'auto');
  assert.deepEqual([dos.ip, dos.auth, dos.status], ['192.168.33.1', AuthOutcome.None, 404], 'a [client] in the message is text, not the header');
});

test('FTP, mail and PAM daemons: proftpd, vsftpd, pure-ftpd, dovecot, postfix SASL, pam_unix; injected addresses lose', () => {
  const pro = parseLine('Jun 09 11:15:43 h proftpd[17424] h (::ffff:101.71.143.238[::ffff:101.71.143.238]): USER god: no such user found from ::ffff:101.71.143.238 [::ffff:101.71.143.238] to ::ffff:123.212.99.194:21', 'auto');
  assert.deepEqual([pro.ip, pro.user, pro.auth], ['101.71.143.238', 'god', AuthOutcome.Failure]);
  const vs = parseLine('Thu Sep  8 00:39:49 2016 [pid 15019] [guest] FAIL LOGIN: Client "::ffff:192.0.2.1", "User is not in the allow user list."', 'auto');
  assert.deepEqual([vs.program, vs.ip, vs.user, vs.auth], ['vsftpd', '192.0.2.1', 'guest', AuthOutcome.Failure]);
  const pure = parseLine('Jan 31 16:54:07 desktop pure-ftpd: (?@24.79.92.194) [WARNING] Authentication failed for user [Administrator]', 'auto');
  assert.deepEqual([pure.ip, pure.user, pure.auth], ['24.79.92.194', 'Administrator', AuthOutcome.Failure]);
  const dove = parseLine('Jan 29 05:32:50 mail dovecot: auth-worker(304): pam(username,1.2.3.4): pam_authenticate() failed: Authentication failure (password mismatch?)', 'auto');
  assert.deepEqual([dove.ip, dove.user, dove.auth], ['1.2.3.4', 'username', AuthOutcome.Failure]);
  const ruser = parseLine('@400000004c91b044077a9e94 dovecot-auth: pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser=rhost=1.2.3.4 rhost=192.0.43.10', 'auto');
  assert.equal(ruser.ip, '192.0.43.10', 'the last rhost= is pam_unix\'s own');
  const sasl = parseLine('Mar 10 13:33:30 gandalf postfix/smtpd[3937]: warning: HOSTNAME[1.1.1.1]: SASL LOGIN authentication failed: authentication failure', 'auto');
  assert.deepEqual([sasl.ip, sasl.auth], ['1.1.1.1', AuthOutcome.Failure]);
  const down = parseLine('Feb  3 08:29:28 mail postfix/smtpd[21022]: warning: unknown[1.1.1.1]: SASL LOGIN authentication failed: Connection lost to authentication server', 'auto');
  assert.equal(down.auth, AuthOutcome.None, 'a broken auth service is not a guessed password');
  const su = parseLine('Jun 15 12:12:34 combo su(pam_unix)[2]: authentication failure; logname=x uid=500 euid=0 tty= ruser=x rhost=  user=root', 'auto');
  assert.equal(su.auth, AuthOutcome.None, 'a local su has no remote host: not a network login');
});

test('sshd: the address comes from where OpenSSH writes it, whatever the user name or auth info hold', () => {
  const cases: [string, string | null, string | null][] = [
    ['Failed password for invalid user test from 10.10.1.2 port 55555 ssh2 from 127.0.0.1 port 58946 ssh2', '127.0.0.1', 'test from 10.10.1.2 port 55555 ssh2'],
    ['Failed password for invalid user from 10.10.1.1 from 127.0.0.1 port 58946 ssh2', '127.0.0.1', 'from 10.10.1.1'],
    ['Failed password for invalid user test from 127.0.0.1 port 58946 ssh2: from 10.10.1.2 port 55555 ssh2', '127.0.0.1', 'test'],
    ['Failed password for user from 127.0.0.1 port 20000 ssh1: ruser from 1.2.3.4', '127.0.0.1', 'user'],
    ['Failed hostbased for dan from 127.0.0.1 port 45785 ssh2: RSA 8c:e3, client user "x from 6.6.6.6 port 1 ssh2", client host "h"', '127.0.0.1', 'dan'],
    ['Failed password for invalid user te st from 198.51.100.20 port 1 ssh2', '198.51.100.20', 'te st'],
    ['Connection closed by authenticating user test 127.0.0.1 port 12345 192.0.2.11 port 46039 [preauth]', '192.0.2.11', null],
    ['pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=061092085098.ctinets.com  user=root', null, 'root'],
  ];
  for (const [msg, ip, user] of cases) {
    const p = parseLine(`Nov 11 08:04:52 redbamboo sshd[2737]: ${msg}`, 'auto');
    assert.deepEqual([p.ip, p.user], [ip, user], msg);
  }
});

test('captured lines stamped by logs.timestamps (PM2 `time: true`) are read as what the app wrote', () => {
  const j = parseLine('2024-10-10T13:55:36: {"msg":"blocked","category":"malicious-traffic","ip":"198.51.100.30"}', 'auto');
  assert.deepEqual([j.format, j.ip, time(j.timeRaw)], ['json', '198.51.100.30', '2024-10-10T13:55:36.000Z']);
  const c = parseLine('2024-10-10T13:55:37: 198.51.100.31 - - [10/Oct/2024:13:55:36 +0000] "GET /.env HTTP/1.1" 404 1 "-" "x"', 'auto');
  assert.deepEqual([c.format, c.ip, c.url], ['clf', '198.51.100.31', '/.env']);
  const t = parseLine('2024-10-10T13:55:38: Login failed for user bob from 198.51.100.32', 'auto');
  assert.deepEqual([t.format, time(t.timeRaw)], ['text', '2024-10-10T13:55:38.000Z']);
});

test('plain text: the address after from/ip/rhost is a whole token (a sentence may end after it); host names are not cut', async () => {
  const { textIdentity } = await import('../../../src/logs/parse/text.js');
  const read = (line: string) => {
    const p = parseLine(line, 'text');
    textIdentity(p);
    return p.ip;
  };
  assert.equal(read('Login failed for user bob from 198.51.100.40.'), '198.51.100.40');
  assert.equal(read('Login failed for user bob from 198.51.100.41-dsl.example.net'), null);
  assert.equal(read('authentication failure; rhost=061092085098.ctinets.com user=root'), null);
  assert.equal(read('Login failed for user x from 6.6.6.6 from 198.51.100.42'), '198.51.100.42', 'the last address: user names come first');
});
