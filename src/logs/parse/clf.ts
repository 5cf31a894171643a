// nginx/apache "combined" and "common" log formats (morgan's too), and Apache's vhost_combined
// (`host:port ip - - [...]`, Debian's other_vhosts_access.log).
import type { ParsedLine } from './parsed.js';
import { isIPv4, normaliseIp } from './ip.js';

// host ident user [time] "request" status bytes ["referer" "user-agent"]
// Quoted parts allow backslash escapes (apache writes \", nginx \x22); the alternation is disjoint, so linear.
const CLF = /^(\S+) \S+ (\S+) \[([^\]]{1,64})\] "((?:[^"\\]|\\.)*)" (\d{3}) \S+(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?/;

export function parseClf(line: string, out: ParsedLine): boolean {
  let m = CLF.exec(line);
  let vhost = false;
  if (!m) {
    // vhost_combined: one more field first; taken only when the second field is an address.
    const sp = line.indexOf(' ');
    if (sp < 1 || line.charCodeAt(sp - 1) === 58 /* a `time: ` stamp, not host:port */) return false;
    m = CLF.exec(line.slice(sp + 1));
    if (!m || normaliseIp(m[1]!) === null) return false;
    vhost = true;
  }
  out.format = vhost ? 'vhost' : 'clf';
  const host = m[1]!;
  // Most lines hold an IPv4 address: skip normaliseIp's trimming and bracket handling for them.
  out.ip = isIPv4(host) ? host : normaliseIp(host);
  out.user = m[2] === '-' ? null : m[2]!;
  out.timeRaw = m[3]!;
  const request = m[4]!;
  const a = request.indexOf(' ');
  if (a > 0) {
    out.method = request.slice(0, a);
    const b = request.indexOf(' ', a + 1);
    out.url = request.slice(a + 1, b < 0 ? undefined : b);
  } else {
    out.url = request.charCodeAt(0) === 47 ? request : null; // `GET` alone, `HELP`, binary junk: no target
    if (request.length > 0 && out.url === null) out.method = request.length <= 16 ? request : null;
  }
  out.status = +m[5]!;
  out.userAgent = m[7] ?? null;
  return true;
}

// morgan `dev` (`GET /path 200 3.123 ms - 12`, maybe coloured) and `tiny` (`GET /path 200 12 - 3.123 ms`):
// no client address and no time.
const MORGAN = /^(?:\x1b\[\d{1,3}m)?([A-Z]{3,10}) (\S+) (?:\x1b\[\d{1,3}m)?(\d{3})(?:\x1b\[\d{1,3}m)? (?:\d+(?:\.\d+)? ms - (?:\d+|-)|(?:\d+|-) - \d+(?:\.\d+)? ms)(?:\x1b\[\d{1,3}m)?$/;

export function parseMorganShort(line: string, out: ParsedLine): boolean {
  const m = MORGAN.exec(line);
  if (!m) return false;
  out.format = 'morgan';
  out.method = m[1]!;
  out.url = m[2]!;
  out.status = +m[3]!;
  return true;
}
