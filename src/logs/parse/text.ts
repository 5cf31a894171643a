// Plain text lines: a leading timestamp if there is one, and `ip`/`user` when the line names them.
import type { ParsedLine } from './parsed.js';
import { normaliseIp } from './ip.js';

// "2024-10-10T13:55:36Z ...", "[2024-10-10 13:55:36.123] ..."
const LEADING_TIME = /^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)\]?\s/;
// Key words that introduce an address or a user name; bounded tokens keep these linear.
const IP_NEAR = /\b(?:from|ip|client|remote|addr|address|rhost)[=:]? ?\[?([0-9A-Fa-f:.]{3,45})\b/;
const USER_NEAR = /\b(?:for (?:invalid )?user|user(?:name)?[=:]|user|account[=:]?|login[=:]|for)\s?["']?([A-Za-z0-9._@+-]{1,64})/;

export function parseText(line: string, out: ParsedLine): void {
  out.format = 'text';
  out.message = line;
  const t = LEADING_TIME.exec(line);
  if (t) out.timeRaw = t[1]!.replace(',', '.').replace(' ', 'T');
}

/** Fills ip and user from the text; only called for lines that matter (logins, account changes). */
export function textIdentity(out: ParsedLine): void {
  const text = out.message;
  if (text === null) return;
  if (out.ip === null) {
    const m = IP_NEAR.exec(text);
    if (m && (m[1]!.indexOf('.') > 0 || m[1]!.split(':').length > 2)) out.ip = normaliseIp(m[1]!);
  }
  if (out.user === null) {
    const m = USER_NEAR.exec(text);
    if (m && m[1] !== 'user' && m[1] !== 'invalid' && m[1] !== 'from') out.user = m[1]!;
  }
}
