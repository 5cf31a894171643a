// The moment/dayjs date tokens PM2 users write in log_date_format ("YYYY-MM-DD HH:mm:ss Z"), in
// local time; text in [brackets] is literal, other characters pass through. Compiled once.

const TOKENS = /\[([^\]]*)\]|YYYY|YY|MM|M|DD|D|HH|H|hh|h|mm|m|ss|s|SSS|ZZ|Z|A|a/g;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function offset(d: Date, sep: string): string {
  const m = -d.getTimezoneOffset();
  const a = Math.abs(m);
  return `${m < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}${sep}${pad(a % 60)}`;
}

const PARTS: Record<string, (d: Date) => string> = {
  YYYY: (d) => String(d.getFullYear()), YY: (d) => pad(d.getFullYear() % 100),
  MM: (d) => pad(d.getMonth() + 1), M: (d) => String(d.getMonth() + 1),
  DD: (d) => pad(d.getDate()), D: (d) => String(d.getDate()),
  HH: (d) => pad(d.getHours()), H: (d) => String(d.getHours()),
  hh: (d) => pad(d.getHours() % 12 || 12), h: (d) => String(d.getHours() % 12 || 12),
  mm: (d) => pad(d.getMinutes()), m: (d) => String(d.getMinutes()),
  ss: (d) => pad(d.getSeconds()), s: (d) => String(d.getSeconds()),
  SSS: (d) => pad(d.getMilliseconds(), 3),
  Z: (d) => offset(d, ':'), ZZ: (d) => offset(d, ''),
  A: (d) => (d.getHours() < 12 ? 'AM' : 'PM'), a: (d) => (d.getHours() < 12 ? 'am' : 'pm'),
};

/** PM2's `time: true` format. */
export const PM2_TIME_FORMAT = 'YYYY-MM-DDTHH:mm:ss';

export function compileDateFormat(format: string): (d: Date) => string {
  const pieces: ((d: Date) => string)[] = [];
  let last = 0;
  for (const m of format.matchAll(TOKENS)) {
    const lit = format.slice(last, m.index);
    if (lit) pieces.push(() => lit);
    const token = m[0];
    const bracketed = m[1];
    pieces.push(bracketed !== undefined ? () => bracketed : PARTS[token]!);
    last = m.index + token.length;
  }
  const tail = format.slice(last);
  if (tail) pieces.push(() => tail);
  return (d) => pieces.map((p) => p(d)).join('');
}

const PATTERNS: Record<string, string> = {
  YYYY: '\\d{4}', YY: '\\d{2}', MM: '\\d{2}', M: '\\d{1,2}', DD: '\\d{2}', D: '\\d{1,2}', HH: '\\d{2}', H: '\\d{1,2}',
  hh: '\\d{2}', h: '\\d{1,2}', mm: '\\d{2}', m: '\\d{1,2}', ss: '\\d{2}', s: '\\d{1,2}', SSS: '\\d{3}',
  Z: '[+-]\\d{2}:\\d{2}', ZZ: '[+-]\\d{4}', A: '(?:AM|PM)', a: '(?:am|pm)',
};

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The `<time>: ` prefix that capture files with timestamps put before each line (see
 * OutputCapture), as a RegExp, so readers (detection, forwarding) see the line as the app wrote it.
 */
export function timestampPrefix(format: string): RegExp {
  let source = '';
  let last = 0;
  for (const m of format.matchAll(TOKENS)) {
    source += escapeRegex(format.slice(last, m.index));
    source += m[1] !== undefined ? escapeRegex(m[1]) : PATTERNS[m[0]]!;
    last = m.index + m[0].length;
  }
  return new RegExp(`^${source}${escapeRegex(format.slice(last))}: `);
}
