// Client addresses as logs write them -> one canonical string per address, or nothing.
import { isIPv6 } from 'node:net';

/**
 * Strips the IPv4-mapped IPv6 prefix, brackets, a zone and an IPv4 `:port`; lower-cases IPv6.
 * Returns null unless what is left is a valid address (net.isIP rules): an `ip` field never holds a
 * host name, a fragment of one (`061092085098.`), or an octal-looking `192.030.0.6`.
 */
export function normaliseIp(raw: string): string | null {
  let ip = raw.trim();
  if (ip.length === 0 || ip === '-' || ip.length > 64) return null;
  if (ip.charCodeAt(0) === 91 /* [ */) {
    const end = ip.indexOf(']');
    ip = end > 0 ? ip.slice(1, end) : ip.slice(1);
  }
  if (ip.length > 7 && (ip.startsWith('::ffff:') || ip.startsWith('::FFFF:')) && ip.indexOf('.') > 0) ip = ip.slice(7);
  const colon = ip.indexOf(':');
  if (colon > 0 && ip.indexOf('.') > 0 && ip.indexOf(':', colon + 1) < 0) ip = ip.slice(0, colon); // 1.2.3.4:5678
  const zone = ip.indexOf('%');
  if (zone > 0) ip = ip.slice(0, zone);
  if (colon < 0 || ip.indexOf(':') < 0) return isIPv4(ip) ? ip : null;
  ip = ip.toLowerCase();
  return isIPv6(ip) ? ip : null;
}

/** Dotted quad with octets 0-255 and no leading zeros (what net.isIPv4 accepts), without a RegExp. */
export function isIPv4(s: string): boolean {
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let dots = 0;
  let octet = 0;
  let digits = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return false;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return false; // leading zero
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return false;
    } else return false;
  }
  return dots === 3 && digits > 0;
}

/** First hop of an X-Forwarded-For value ("client, proxy1, proxy2"). */
export function firstForwardedHop(value: string): string | null {
  const comma = value.indexOf(',');
  return normaliseIp(comma < 0 ? value : value.slice(0, comma));
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** IPv4 as an unsigned 32-bit number, or -1. */
export function ipv4ToInt(ip: string): number {
  const m = IPV4.exec(ip);
  if (!m) return -1;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return -1;
    n = n * 256 + o;
  }
  return n;
}

/** IPv6 as eight 16-bit groups, or null. Accepts `::` compression and a trailing dotted IPv4. */
export function ipv6ToGroups(ip: string): number[] | null {
  if (ip.indexOf(':') < 0 || ip.length > 45) return null;
  let text = ip;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) > 0) {
    const v4 = ipv4ToInt(text.slice(lastColon + 1));
    if (v4 < 0) return null;
    tail.push(v4 >>> 16, v4 & 0xffff);
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !rest) return null;
  const used = head.length + rest.length + tail.length;
  if (halves.length === 1 ? used !== 8 : used > 7) return null;
  return [...head, ...new Array<number>(8 - used).fill(0), ...rest, ...tail];
}
