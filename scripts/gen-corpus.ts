// Generates the labelled evaluation corpus in test/fixtures/corpus/ (deterministic: seeded PRNG).
// Usage: node --import tsx scripts/gen-corpus.ts
// Files: app.jsonl (pino/winston JSON), access.log (nginx combined), auth.log (sshd), and labels.json:
// { "<file>": { "<1-based line>": ["kind", ...] } } — lines not listed must not fire.
// Labels come from how each scenario is built (docs/detection.md gives the rules they follow).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../bench/rng.js';

const OUT = join(import.meta.dirname, '../test/fixtures/corpus');
const SEED = 20241010;

const rnd = mulberry32(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));

type File = 'app.jsonl' | 'access.log' | 'auth.log';
interface Entry { file: File; t: number; text: (t: number) => string; kinds: string[] }
const entries: Entry[] = [];
const DAY = Date.UTC(2024, 9, 10);
const at = () => DAY + int(0, 22 * 3600) * 1000;
function add(file: File, t: number, text: (t: number) => string, kinds: string[] = []): void {
  entries.push({ file, t, text, kinds });
}

// Address pools that never overlap: benign visitors, attackers (one fresh address per scenario), office NAT.
let attackerN = 0;
const attackerIp = () => { attackerN++; return `45.${33 + (attackerN >> 16)}.${(attackerN >> 8) & 255}.${attackerN & 255}`; };
const visitorIp = () => `100.64.${int(0, 255)}.${int(1, 254)}`;
const OFFICE_IP = '198.18.7.1';

const UAS = ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0', 'okhttp/4.12.0', 'curl/8.5.0'];
const SCANNER_UAS = ['sqlmap/1.7.2#stable (https://sqlmap.org)', 'Mozilla/5.0 zgrab/0.x', 'python-requests/2.31.0', 'Nuclei - Open-source project (github.com/projectdiscovery/nuclei)', 'curl/7.88.1'];
/** The attack tools among them: their user agent is a `scanner` finding of its own. */
const SCANNER_TOOLS = new Set([SCANNER_UAS[0], SCANNER_UAS[1], SCANNER_UAS[3]]);
const withScanner = (ua: string, kinds: string[]): string[] => (SCANNER_TOOLS.has(ua) ? [...kinds, 'scanner'] : kinds);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
function clfTime(t: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
function syslogTime(t: number): string {
  const d = new Date(t);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
const clf = (ip: string, method: string, url: string, status: number, ua: string) => (t: number) =>
  `${ip} - - [${clfTime(t)}] "${method} ${url} HTTP/1.1" ${status} ${int(0, 20000)} "-" "${ua}"`;
const pinoHttp = (ip: string, method: string, url: string, status: number, ua: string) => (t: number) =>
  JSON.stringify({ level: status >= 500 ? 50 : 30, time: t, pid: 4711, hostname: 'api-1', req: { id: int(1, 1e6), method, url, headers: { host: 'shop.example', 'user-agent': ua }, remoteAddress: `::ffff:${ip}`, remotePort: int(1024, 65535) }, res: { statusCode: status }, responseTime: int(1, 300), msg: 'request completed' });
const winston = (fields: Record<string, unknown>) => (t: number) =>
  JSON.stringify({ level: 'info', ...fields, timestamp: new Date(t).toISOString() });
let pid = 3000;
const sshd = (msg: string) => (t: number) => `${syslogTime(t)} web1 ${rnd() < 0.5 ? 'sshd' : 'sshd-session'}[${++pid}]: ${msg}`;

/** A request line in the access log or as pino-http JSON. */
function request(t: number, ip: string, method: string, url: string, status: number, ua: string, kinds: string[] = []): void {
  if (rnd() < 0.5) add('access.log', t, clf(ip, method, url, status, ua), withScanner(ua, kinds));
  else add('app.jsonl', t, pinoHttp(ip, method, url, status, ua), withScanner(ua, kinds));
}

// ---------------------------------------------------------------- benign traffic
const PAGES = ['/', '/products', '/products/42', '/products/rock-n-roll-t-shirt?size=M&color=black', '/cart', '/checkout',
  '/api/items?page=2&sort=price', '/api/v1/users/me', '/static/js/app.3f2a1c.js', '/static/css/site.css', '/favicon.ico',
  '/blog/managing-.env-files-safely', '/blog/why-you-should-never-commit-your-env-file', '/articles/what-is-a-dotenv-file?ref=newsletter',
  '/docs/etc-passwd-explained', '/blog/wait...what', '/.well-known/security.txt', '/.well-known/acme-challenge/Xy2_abc',
  '/.well-known/openid-configuration', '/.well-known/apple-app-site-association', '/help/how-to-change-your-password',
  '/robots.txt', '/sitemap.xml', '/login', '/signup', '/account/settings', '/One?b=1', '/map?addr=2104+GRANT+AVE+%23A',
  '/calc?expr=cos(x)%2Bsin(y)', '/filter?f=in(labels.name,%22test%22)', '/download/report-2024.pdf', '/images/logo@2x.png'];
const SEARCHES = ["O'Brien", "Conan O'Brien", 'select a plan', 'how to select a laptop', 'union select committee', '<b>sale</b>',
  '<i>new</i> arrivals', 'javascript: the good parts', '.env file best practices', 'rock \'n\' roll or jazz', '1 and 2 are numbers',
  'terms & conditions (2024)', 'how to sleep 8 hours', 'drop shipping', 'update my address', "d'Artagnan", 'size <3 months',
  'wait... what?', 'C:\\Users guide', 'what is /etc/hosts', 'café crème', '100% cotton', 'tom & jerry', 'a+b=c', "it's -- great",
  'email address changed?', 'password manager', 'admin dashboard template', 'backup strategies', 'sql tutorial for beginners'];

for (let i = 0; i < 2600; i++) {
  const t = at();
  const ip = visitorIp();
  const ua = pick(UAS);
  if (rnd() < 0.3) {
    const q = encodeURIComponent(pick(SEARCHES)).replace(/%20/g, rnd() < 0.5 ? '+' : '%20');
    request(t, ip, 'GET', `/search?q=${q}&page=${int(1, 3)}`, 200, ua);
  } else {
    const page = pick(PAGES);
    request(t, ip, 'GET', page, page.startsWith('/.well-known/') ? pick([200, 404]) : pick([200, 200, 200, 304, 404]), ua);
  }
}
// App messages that mention sensitive words without being events.
const CHATTER = ['order created', 'payment captured', 'Password reset email sent', 'Password reset requested', 'password policy loaded (min length 12)',
  'Request failed with status code 401 from upstream billing API', 'cache warmed', 'user not logged in, redirecting to /login',
  'session expired', 'token refreshed', 'email queued for delivery', 'article published: How attackers find your .env file',
  'search: select * from wishlist', 'profile viewed', 'login page rendered', 'MFA prompt shown'];
for (let i = 0; i < 500; i++) {
  add('app.jsonl', at(), winston({ message: pick(CHATTER), user: `user${int(1, 300)}`, ip: visitorIp() }));
}

// Benign logins: each user always from their own address; some mistype once first.
const homes = new Map<string, string>();
for (let i = 0; i < 120; i++) {
  const user = `member${i}@example.com`;
  homes.set(user, visitorIp());
}
for (let i = 0; i < 500; i++) {
  const user = pick([...homes.keys()]);
  const ip = homes.get(user)!;
  const t = at();
  if (rnd() < 0.15) add('app.jsonl', t, winston({ level: 'warn', event: 'login_failed', user, ip, reason: 'bad_password' }));
  add('app.jsonl', t + 8000, winston({ event: 'login_success', user, ip }));
}
// A few failures below the threshold (4 within 60 s, or 5 spread over 11 minutes, above the 10 minutes window).
for (let i = 0; i < 25; i++) {
  const ip = visitorIp();
  const user = `forgetful${i}`;
  const t = at();
  const spread = rnd() < 0.5;
  const n = spread ? 5 : 4;
  for (let k = 0; k < n; k++) add('app.jsonl', t + k * (spread ? 160_000 : 10_000), winston({ level: 'warn', msg: 'Login failed', username: user, ip }));
}
// Office behind one NAT address: many users, spaced out, one typo now and then.
{
  let t = DAY + 7 * 3600_000;
  for (let i = 0; i < 150; i++) {
    const user = `staff${i % 60}`;
    t += int(120, 400) * 1000;
    if (rnd() < 0.15) add('app.jsonl', t - 6000, winston({ level: 'warn', event: 'login_failed', user, ip: OFFICE_IP }));
    add('app.jsonl', t, winston({ event: 'login_success', user, ip: OFFICE_IP }));
  }
}
// sshd: normal admin logins and noise.
for (let i = 0; i < 200; i++) {
  const t = at();
  const u = pick(['ops', 'deploy', 'backup']);
  const ip = `100.65.0.${['ops', 'deploy', 'backup'].indexOf(u) + 1}`;
  add('auth.log', t, sshd(`Accepted publickey for ${u} from ${ip} port ${int(30000, 60000)} ssh2: ED25519 SHA256:${'k'.repeat(8)}`));
  add('auth.log', t + 1000, sshd(`pam_unix(sshd:session): session opened for user ${u}(uid=100${i % 3}) by (uid=0)`));
  if (rnd() < 0.3) add('auth.log', t + 2000, sshd(`Connection closed by ${visitorIp()} port ${int(30000, 60000)} [preauth]`));
  if (rnd() < 0.1) add('auth.log', t + 3000, sshd(`Failed password for ${u} from ${ip} port ${int(30000, 60000)} ssh2`));
}

// ---------------------------------------------------------------- attacks
const SQLI = ["' OR '1'='1", "' or 1=1--", '1 OR 1=1', "admin'--", "1' #", "-1 UNION ALL SELECT NULL,NULL,version()--",
  "1 union select username,password from users", "1;DROP TABLE users", "1'; exec xp_cmdshell 'dir'--", "1)-sleep(5)--",
  "1' AND SLEEP(5)#", "1'; WAITFOR DELAY '0:0:5'--", "1 AND extractvalue(1,concat(0x7e,version()))",
  "' UNION SELECT table_name FROM information_schema.tables--", "1' and benchmark(5000000,md5(1))#", "\") or (\"a\"=\"a",
  "x' AND 'a'='a", "1 and pg_sleep(5)--", "' || '1'='1"];
const XSS = ['<script>alert(1)</script>', '<img src=x onerror=alert(document.cookie)>', '<svg/onload=alert(1)>',
  '"><script src=//evil.example/x.js></script>', 'javascript:alert(1)', '" onmouseover="alert(1)', '<iframe src=javascript:alert(1)>',
  '<body onload=alert(1)>', '{{constructor.constructor(\'alert(1)\')()}}', '<details open ontoggle=alert(1)>',
  "';alert(String.fromCharCode(88,83,83))//", '<a href="javascript:void(0)" onclick="fetch(\'//x\')">x</a>'];
const TRAVERSAL = ['../../../../etc/passwd', '..\\..\\..\\windows\\win.ini', '....//....//etc/passwd'.replace(/\.\.\.\./g, '..'),
  '/etc/shadow', 'php://filter/convert.base64-encode/resource=index.php', 'file:///etc/passwd', '../../app/config.js',
  '..%2f..%2f..%2fetc%2fpasswd', 'report.pdf%00.html', '/proc/self/environ'];
const PARAMS = ['q', 'id', 'page', 'file', 'name', 'redirect', 'sort', 'user'];
function encodeAttack(p: string): string {
  const r = rnd();
  if (r < 0.4) return encodeURIComponent(p);
  if (r < 0.6) return encodeURIComponent(encodeURIComponent(p)); // double encoding
  if (r < 0.8) return encodeURIComponent(p).replace(/%20/g, '+');
  return p.replace(/ /g, '%20').replace(/#/g, '%23').replace(/&/g, '%26').replace(/"/g, '%22');
}
function webAttacks(list: string[], kind: string, n: number): void {
  for (let i = 0; i < n; i++) {
    const payload = pick(list);
    const path = pick(['/search', '/products', '/api/items', '/view', '/download']);
    const enc = encodeAttack(payload);
    request(at(), attackerIp(), pick(['GET', 'GET', 'POST']), `${path}?${pick(PARAMS)}=${enc}`, pick([200, 400, 403, 404, 500]), pick(SCANNER_UAS), [kind]);
  }
}
webAttacks(SQLI, 'sqli', 160);
webAttacks(XSS, 'xss', 120);
webAttacks(TRAVERSAL, 'traversal', 100);
// Traversal in the path itself, overlong encodings.
for (let i = 0; i < 30; i++) {
  request(at(), attackerIp(), 'GET', pick(['/static/..%2f..%2f..%2fetc%2fpasswd', '/files/%c0%ae%c0%ae%c0%afetc/passwd', '/static/%252e%252e/%252e%252e/secret', '/assets/..%5c..%5cweb.config']), 404, pick(SCANNER_UAS), ['traversal']);
}
// Sensitive files: single probes, and scanners that probe many in a burst.
const SENSITIVE = ['/.env', '/.env.production', '/.env.local', '/api/.env', '/.git/config', '/.git/HEAD', '/.svn/entries', '/.aws/credentials',
  '/.ssh/id_rsa', '/id_rsa', '/.npmrc', '/.htpasswd', '/.bash_history', '/.DS_Store', '/backup.zip', '/db.sql', '/dump.sql.gz',
  '/site.tar.gz', '/wp-config.php.bak', '/config.php.old', '/index.php~', '/wp-login.php', '/wp-admin/setup-config.php', '/xmlrpc.php',
  '/phpmyadmin/', '/pma/index.php', '/adminer.php', '/cgi-bin/test.cgi', '/manager/html', '/actuator/env', '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php',
  '/server-status', '/.vscode/sftp.json', '/credentials.json', '/.docker/config.json', '/phpinfo.php'];
for (let i = 0; i < 60; i++) request(at(), attackerIp(), 'GET', pick(SENSITIVE), pick([404, 404, 403]), pick(SCANNER_UAS), ['sensitive-file']);
for (let s = 0; s < 25; s++) {
  const ip = attackerIp();
  const t = at();
  const n = int(3, 12);
  for (let k = 0; k < n; k++) request(t + k * int(200, 4000), ip, 'GET', pick(SENSITIVE), 404, pick(SCANNER_UAS), ['sensitive-file']);
}
// Tagged by the app.
for (let i = 0; i < 150; i++) {
  const ip = attackerIp();
  const shape = i % 5;
  const fields = shape === 0 ? { level: 'warn', message: 'blocked request', category: 'malicious-traffic', ip }
    : shape === 1 ? { level: 'warn', message: 'rate limit exceeded', tags: ['bot', 'Malicious'], clientIp: ip }
      : shape === 2 ? { level: 'warn', message: 'waf verdict', meta: { security: { type: 'MALICIOUS-TRAFFIC' } }, req: { ip } }
        : shape === 3 ? { level: 'error', msg: 'honeypot field filled', type: 'malicious', remote_addr: ip }
          : { level: 'warn', message: 'blocked', category: 'malicious-traffic', 'x-forwarded-for': `${ip}, 10.0.0.2` };
  add('app.jsonl', at(), winston(fields), ['tagged']);
}
// Near misses for tags.
for (let i = 0; i < 40; i++) add('app.jsonl', at(), winston({ message: 'article: how we block malicious traffic', category: pick(['blog', 'security-news']), ip: visitorIp() }));

// Brute force per IP: 5..9 failures 2..9 s apart; the 5th fires.
for (let s = 0; s < 40; s++) {
  const ip = attackerIp();
  const t = at();
  const n = int(5, 9);
  const gap = int(2, 9) * 1000;
  const style = s % 4;
  const user = pick(['root', 'admin', 'alice', 'support']) + s;
  for (let k = 0; k < n; k++) {
    const kinds = k === 4 ? ['brute-force'] : [];
    const tk = t + k * gap;
    if (style === 0) add('auth.log', tk, sshd(`Failed password for ${user} from ${ip} port ${int(30000, 60000)} ssh2`), kinds);
    else if (style === 1) {
      const ua = pick(SCANNER_UAS);
      add('access.log', tk, clf(ip, 'POST', '/login', 401, ua), withScanner(ua, kinds));
    }
    else if (style === 2) add('app.jsonl', tk, winston({ level: 'warn', event: 'login_failed', user, ip }), kinds);
    else add('app.jsonl', tk, winston({ level: 'warn', msg: `Authentication failed for ${user}`, user, ip }), kinds);
  }
}
// Brute force per user from many addresses (a botnet on one account): 5th failure within 60 s fires.
for (let s = 0; s < 25; s++) {
  const user = `victim${s}@example.com`;
  const t = at();
  const n = int(5, 8);
  for (let k = 0; k < n; k++) add('app.jsonl', t + k * 7000, winston({ level: 'warn', event: 'auth.failure', user, ip: attackerIp() }), k === 4 ? ['brute-force'] : []);
}
// Credential stuffing: one address, distinct users 20 s apart: the 5th distinct user fires, and 5 failures within 10 minutes are brute force too.
for (let s = 0; s < 30; s++) {
  const ip = attackerIp();
  const t = at();
  const n = int(5, 10);
  for (let k = 0; k < n; k++) add('app.jsonl', t + k * 20_000, winston({ level: 'warn', event: 'login_failed', user: `victim${s}-${k}@mail.example`, ip }), k === 4 ? ['credential-stuffing', 'brute-force'] : []);
}
// sshd user enumeration: one address, a new user name every 2 s: the 5th line is both brute force and stuffing.
for (let s = 0; s < 20; s++) {
  const ip = attackerIp();
  const t = at();
  const n = int(5, 9);
  for (let k = 0; k < n; k++) {
    add('auth.log', t + k * 2000, sshd(`Failed password for invalid user ${pick(['test', 'oracle', 'ubuntu', 'git', 'pi', 'guest', 'ftp', 'mysql', 'postgres'])}${k} from ${ip} port ${int(30000, 60000)} ssh2`),
      k === 4 ? ['brute-force', 'credential-stuffing'] : []);
  }
}
// Breached password reported by the app.
for (let i = 0; i < 30; i++) add('app.jsonl', at(), winston({ level: 'warn', event: pick(['breached_password', 'password.pwned']), user: `member${int(0, 119)}@example.com`, ip: visitorIp() }), ['credential-stuffing']);
// New-IP logins: users with history, then an address they never used.
for (let s = 0; s < 60; s++) {
  const user = `traveller${s}`;
  const home = visitorIp();
  const t = DAY + int(0, 6 * 3600) * 1000;
  const n = int(1, 4);
  for (let k = 0; k < n; k++) add('app.jsonl', t + k * 600_000, winston({ event: 'login_success', user, ip: home }));
  const away = attackerIp();
  const tt = t + n * 600_000 + int(1, 8) * 3600_000;
  if (s % 3 === 0) add('auth.log', tt, sshd(`Accepted password for ${user} from ${away} port ${int(30000, 60000)} ssh2`), []); // different source: its own history
  add('app.jsonl', tt + 1000, s % 2 ? winston({ msg: 'User logged in', user, ip: away }) : winston({ event: 'login_success', user, ip: away }), ['new-ip-login']);
  add('app.jsonl', tt + 60_000, winston({ event: 'login_success', user, ip: away }));
}
// Account changes (and near misses).
const CHANGES: Record<string, unknown>[] = [
  { event: 'password_changed' }, { event: 'user.email.updated' }, { event: 'mfa.disabled' }, { event: '2fa_enabled' },
  { message: 'Two-factor authentication disabled' }, { message: 'Email address changed' }, { message: 'password was changed' },
  { message: 'User changed their password' }];
for (let i = 0; i < 90; i++) add('app.jsonl', at(), winston({ ...pick(CHANGES), user: `member${int(0, 119)}@example.com`, ip: visitorIp() }), ['account-change']);
const NEAR = [{ event: 'password_change_requested' }, { message: 'Password reset requested' }, { message: 'Password reset email sent' }, { message: 'email queued for delivery' }];
for (let i = 0; i < 40; i++) add('app.jsonl', at(), winston({ ...pick(NEAR), user: `member${int(0, 119)}@example.com`, ip: visitorIp() }));

// ---------------------------------------------------------------- write
mkdirSync(OUT, { recursive: true });
const labels: Record<string, Record<string, string[]>> = {};
const counts: Record<string, number> = {};
for (const file of ['app.jsonl', 'access.log', 'auth.log'] as const) {
  const rows = entries.filter((e) => e.file === file).sort((a, b) => a.t - b.t); // stable: scenario order kept on ties
  labels[file] = {};
  rows.forEach((e, i) => {
    if (e.kinds.length > 0) labels[file]![String(i + 1)] = e.kinds;
    for (const k of e.kinds) counts[k] = (counts[k] ?? 0) + 1;
  });
  writeFileSync(join(OUT, file), rows.map((e) => e.text(e.t)).join('\n') + '\n');
}
writeFileSync(join(OUT, 'labels.json'), JSON.stringify({ seed: SEED, labels }, null, 1) + '\n');
console.log(`corpus: ${entries.length} lines in ${OUT}; positives by kind:`, counts);
