// Realistic log files for the scan bench (bench/scan.ts): what a supervised web app and its host write.
// - pino-http JSON: nested req/res objects with headers (user agent, cookies, referer, an escaped etag),
//   app events between requests, 5-10 % attacks and logins;
// - nginx combined: the same traffic as an access log;
// - auth.log: sshd sessions (accepted keys, failed passwords, invalid users, disconnects) and cron/sudo noise.
// Seeded: the same counts give the same files.
import { createWriteStream } from 'node:fs';
import { mulberry32 } from './rng.js';

const PAGES = ['/', '/api/items', '/api/items/42', '/api/cart', '/products/linen-table-runner', '/search?q=red+shoes&page=2', '/api/users/me',
  '/health', '/_next/static/chunks/pages/_app-3f2a1c9d8e7b6a5f.js', '/_next/image?url=%2Fimg%2Fhero.jpg&w=1920&q=75', '/api/orders?status=open&sort=-created',
  '/blog/2024/05/select-the-right-mattress/', '/wp-json/wp/v2/posts?per_page=10', '/static/app.css', '/favicon.ico', '/api/search?q=o%27brien+%22c%2B%2B%22'];
const AGENTS = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', 'okhttp/4.12.0', 'curl/8.5.0'];
const ATTACKS = ["/search?q=1'%20OR%20'1'='1", '/api/items?id=-1%20UNION%20ALL%20SELECT%20NULL,NULL,version()--', '/view?file=..%2F..%2F..%2Fetc%2Fpasswd',
  '/search?q=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E', '/.env', '/.git/config', '/wp-login.php', '/phpmyadmin/index.php', '/ping?host=127.0.0.1;cat+/etc/passwd',
  '/preview?url=http://169.254.169.254/latest/meta-data/', '/hello?name=%7B%7B7*7%7D%7D'];
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

export interface WrittenFile { lines: number; attacks: number; logins: number }

type Gen = (i: number, t: number) => { line: string; attack: boolean; login: boolean };

async function write(file: string, lines: number, gen: Gen): Promise<WrittenFile> {
  const out = createWriteStream(file);
  const t0 = Date.UTC(2024, 9, 10, 0, 0, 0);
  let buf = '';
  let attacks = 0;
  let logins = 0;
  for (let i = 0; i < lines; i++) {
    const g = gen(i, t0 + i * 50);
    if (g.attack) attacks++;
    if (g.login) logins++;
    buf += g.line + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((res) => out.once('drain', () => res()));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise<void>((res) => out.once('finish', () => res()));
  return { lines, attacks, logins };
}

/** About 4 % attacks and 4 % logins (some failing): the 5-10 % of interesting lines busy sites see. */
function pick(r: () => number): { attack: boolean; login: boolean } {
  const x = r();
  return { attack: x < 0.04, login: x >= 0.04 && x < 0.08 };
}

export function writePinoHttp(file: string, lines: number): Promise<WrittenFile> {
  const r = mulberry32(42);
  const any = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  return write(file, lines, (i, t) => {
    const { attack, login } = pick(r);
    // Visitors come back: a session's address, cookie and agent repeat across its requests.
    const visitor = Math.floor(r() * 5000);
    const ip = `203.0.${visitor >> 8}.${visitor & 255}`;
    if (i % 7 === 6 && !attack && !login) {
      return { line: `{"level":30,"time":${t},"pid":4711,"hostname":"web-1","msg":"order created","orderId":"A-${i}","items":${1 + (i % 4)},"total":${(i % 997) / 10}}`, attack, login };
    }
    const method = login ? 'POST' : 'GET';
    const url = attack ? any(ATTACKS) : login ? '/login' : any(PAGES);
    const status = login ? (r() < 0.5 ? 401 : 200) : attack ? 404 : 200;
    const cookie = visitor % 2 === 0 ? `,"cookie":"_ga=GA1.1.${1e8 + visitor}.1717000000; session=eyJhbGciOiJIUzI1NiJ9.eyJ1aWQiOj${visitor}fQ.${(visitor * 7919).toString(36)}%3D%3D"` : '';
    const referer = r() < 0.3 ? `,"referer":"https://shop.example/"` : '';
    const line = `{"level":${status >= 400 ? 40 : 30},"time":${t},"pid":4711,"hostname":"web-1","req":{"id":${i},"method":"${method}","url":"${url}","query":{},"params":{},"headers":{"host":"shop.example","user-agent":"${AGENTS[visitor % AGENTS.length]}","accept":"application/json","accept-language":"en-US,en;q=0.9","accept-encoding":"gzip, deflate, br"${referer}${cookie}},"remoteAddress":"::ffff:${ip}","remotePort":${40000 + (i % 20000)}},"res":{"statusCode":${status},"headers":{"x-powered-by":"Express","content-type":"application/json; charset=utf-8","content-length":"${100 + (i % 5000)}","etag":"W/\\"${(i % 4096).toString(16)}-${i.toString(36)}\\""}},"responseTime":${i % 90},"msg":"request completed"}`;
    return { line, attack, login };
  });
}

function clfTime(t: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

export function writeNginx(file: string, lines: number): Promise<WrittenFile> {
  const r = mulberry32(43);
  const any = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  return write(file, lines, (i, t) => {
    const { attack, login } = pick(r);
    const ip = `198.51.100.${Math.floor(r() * 256)}`;
    const url = attack ? any(ATTACKS) : login ? '/login' : any(PAGES);
    const status = login ? (r() < 0.5 ? 401 : 302) : attack ? 404 : 200;
    const referer = r() < 0.4 ? 'https://shop.example/' : '-';
    return { line: `${ip} - - [${clfTime(t)}] "${login ? 'POST' : 'GET'} ${url} HTTP/1.1" ${status} ${100 + (i % 9000)} "${referer}" "${any(AGENTS)}"`, attack, login };
  });
}

function syslogTime(t: number): string {
  const d = new Date(t);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function writeAuthLog(file: string, lines: number): Promise<WrittenFile> {
  const r = mulberry32(44);
  const any = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  return write(file, lines, (i, t) => {
    const x = r();
    const pid = 10000 + (i % 50000);
    const ip = `192.0.2.${Math.floor(r() * 256)}`;
    const port = 30000 + (i % 30000);
    const head = `${syslogTime(t)} web1`;
    if (x < 0.04) return { line: `${head} sshd[${pid}]: Failed password for ${r() < 0.5 ? 'invalid user ' : ''}${any(['admin', 'root', 'test', 'oracle', ...USERS])} from ${ip} port ${port} ssh2`, attack: true, login: true };
    if (x < 0.06) return { line: `${head} sshd[${pid}]: Invalid user ${any(['admin', 'test', 'ubuntu', 'git'])} from ${ip} port ${port}`, attack: true, login: false };
    if (x < 0.09) return { line: `${head} sshd[${pid}]: Accepted publickey for ${any(USERS)} from ${ip} port ${port} ssh2: ED25519 SHA256:${(i * 7919).toString(36)}`, attack: false, login: true };
    return {
      line: any([
        `${head} sshd[${pid}]: pam_unix(sshd:session): session opened for user ${any(USERS)}(uid=1000) by (uid=0)`,
        `${head} sshd[${pid}]: pam_unix(sshd:session): session closed for user ${any(USERS)}`,
        `${head} sshd[${pid}]: Received disconnect from ${ip} port ${port}:11: disconnected by user`,
        `${head} sshd[${pid}]: Disconnected from user ${any(USERS)} ${ip} port ${port}`,
        `${head} sshd[${pid}]: Connection closed by ${ip} port ${port} [preauth]`,
        `${head} CRON[${pid}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)`,
        `${head} CRON[${pid}]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)`,
        `${head} sudo: ${any(USERS)} : TTY=pts/0 ; PWD=/home/${any(USERS)} ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`,
        `${head} systemd-logind[812]: New session ${i} of user ${any(USERS)}.`,
      ]),
      attack: false, login: false,
    };
  });
}
