// What a ban holds: an address, or (prefix bans) the network around it, in one canonical spelling.
import { isIP } from 'node:net';
import { ipv4ToInt, ipv6ToGroups, normaliseIp } from '../logs/parse/ip.js';

export type Family = 4 | 6;

export interface BanTarget {
  /** The address, or its network as CIDR when the prefix is shorter than the address. */
  target: string;
  /** The network address (the address itself without a prefix); what the nftables set holds. */
  base: string;
  bits: number;
  family: Family;
}

export interface Prefixes { v4: number; v6: number }

/** A valid address in canonical form (IPv4-mapped IPv6 as IPv4, IPv6 compressed and lower-case), or null. */
export function canonicalIp(raw: string): string | null {
  const ip = normaliseIp(raw);
  if (ip === null) return null;
  if (isIP(ip) === 4) return ip;
  const groups = ipv6ToGroups(ip);
  return groups === null ? null : groupsToIpv6(groups);
}

/** The ban target for an address under the configured prefixes, or null for anything not an address. */
export function banTarget(raw: string, prefixes: Prefixes): BanTarget | null {
  const ip = canonicalIp(raw);
  if (ip === null) return null;
  if (isIP(ip) === 4) {
    const bits = prefixes.v4;
    if (bits === 32) return { target: ip, base: ip, bits, family: 4 };
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    const base = intToIpv4((ipv4ToInt(ip) & mask) >>> 0);
    return { target: `${base}/${bits}`, base, bits, family: 4 };
  }
  const bits = prefixes.v6;
  if (bits === 128) return { target: ip, base: ip, bits, family: 6 };
  const groups = ipv6ToGroups(ip)!;
  const base = groupsToIpv6(groups.map((g, i) => g & groupMask(bits - i * 16)));
  return { target: `${base}/${bits}`, base, bits, family: 6 };
}

/** "192.0.2.0/24" or "2001:db8::1" back into base and bits (a target as stored). */
export function parseTarget(target: string): BanTarget | null {
  const slash = target.indexOf('/');
  const base = canonicalIp(slash < 0 ? target : target.slice(0, slash));
  if (base === null) return null;
  const family: Family = isIP(base) === 4 ? 4 : 6;
  const bits = slash < 0 ? (family === 4 ? 32 : 128) : Number(target.slice(slash + 1));
  if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) return null;
  return { target, base, bits, family };
}

/** The netmask for a prefix length, in the family's notation (255.255.255.0, ffff:ffff:ffff:ffff::). */
export function netmask(family: Family, bits: number): string {
  if (family === 4) return intToIpv4(bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);
  return groupsToIpv6(Array.from({ length: 8 }, (_, i) => groupMask(bits - i * 16)));
}

function groupMask(bitsLeft: number): number {
  if (bitsLeft >= 16) return 0xffff;
  if (bitsLeft <= 0) return 0;
  return (0xffff << (16 - bitsLeft)) & 0xffff;
}

function intToIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** RFC 5952 text: lower case, the longest run of two or more zero groups as `::`. */
function groupsToIpv6(groups: number[]): string {
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestAt = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}
