// nginx/apache "combined" (and common) log format.
import type { ParsedLine } from './parsed.js';
import { normaliseIp } from './ip.js';

// host ident user [time] "request" status bytes ["referer" "user-agent"]
// Quoted parts allow backslash escapes (apache writes \", nginx \x22); the alternation is disjoint, so linear.
const CLF = /^(\S+) \S+ (\S+) \[([^\]]{1,64})\] "((?:[^"\\]|\\.)*)" (\d{3}) \S+(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?/;

export function parseClf(line: string, out: ParsedLine): boolean {
  const m = CLF.exec(line);
  if (!m) return false;
  out.format = 'clf';
  out.ip = normaliseIp(m[1]!);
  out.user = m[2] === '-' ? null : m[2]!;
  out.timeRaw = m[3]!;
  const request = m[4]!;
  const a = request.indexOf(' ');
  if (a > 0) {
    out.method = request.slice(0, a);
    const b = request.indexOf(' ', a + 1);
    out.url = request.slice(a + 1, b < 0 ? undefined : b);
  } else {
    out.url = request || null;
  }
  out.status = +m[5]!;
  out.userAgent = m[7] ?? null;
  return true;
}
