// Plain text lines: a leading timestamp if there is one, and `ip`/`user` when the line names them.
import type { ParsedLine } from './parsed.js';
import { normaliseIp } from './ip.js';

// A time at the start of the line, maybe in brackets: ISO 8601 (`2024-10-10T13:55:36Z`,
// `2024-10-10 13:55:36,123`), `2024/10/10 13:55:36`, BSD syslog `Oct 10 13:55:36`, ctime `Thu Oct 10 13:55:36 2024`.
const LEADING_TIME = /^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?|\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}|[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?|[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})? \d{4})\]?[\s:,|]/;
// Key words that introduce an address; the address must be a whole token (not the start of a host
// name like `061092085098.ctinets.com` or `1.2.3.4-dsl.example.net`). Bounded tokens keep this linear.
const IP_NEAR = /\b(?:from|ip|client|remote|addr|address|rhost|host)[=:]? ?\[?([0-9A-Fa-f:.]{3,45})(?=$|[\s,;)\]"'>])/g;
const USER_NEAR = /\b(?:for (?:invalid )?user|user(?:name)?[=:]|user|account[=:]?|login[=:]|for)\s?["']?([A-Za-z0-9._@+-]{1,64})/;

export function parseText(line: string, out: ParsedLine): void {
  out.format = 'text';
  out.message = line;
  const t = LEADING_TIME.exec(line);
  if (t) out.timeRaw = t[1]!;
}

/**
 * Fills ip and user from the text; only called for lines that matter (logins, account changes).
 * Of several addresses the last one is taken: messages name the user first ("for user X from A"),
 * so a user name holding "from 10.0.0.1" cannot choose the address.
 */
export function textIdentity(out: ParsedLine): void {
  const text = out.message;
  if (text === null) return;
  if (out.ip === null) {
    let ip: string | null = null;
    IP_NEAR.lastIndex = 0;
    for (let m = IP_NEAR.exec(text); m !== null; m = IP_NEAR.exec(text)) ip = normaliseIp(m[1]!.replace(/\.+$/, '')); // `from 1.2.3.4.`
    out.ip = ip;
  }
  if (out.user === null) {
    const m = USER_NEAR.exec(text);
    if (m && m[1] !== 'user' && m[1] !== 'invalid' && m[1] !== 'from') out.user = m[1]!;
  }
}
