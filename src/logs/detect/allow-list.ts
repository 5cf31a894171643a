// `security.ignore`: IPs and CIDRs (IPv4 and IPv6) whose lines are never counted or reported.
import { ipv4ToInt, ipv6ToGroups, normaliseIp } from '../parse/ip.js';

interface V4Range { base: number; mask: number }
interface V6Range { groups: number[]; bits: number }

export class AllowListError extends Error {
  readonly code = 'EALLOWLIST';
}

export class AllowList {
  private readonly v4: V4Range[] = [];
  private readonly v6: V6Range[] = [];
  /** Verdicts for recently seen addresses (the same few IPs repeat line after line). */
  private readonly cache = new Map<string, boolean>();

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [addr, bitsText] = entry.trim().split('/') as [string, string | undefined];
      const ip = normaliseIp(addr) ?? '';
      const v4 = ipv4ToInt(ip);
      if (v4 >= 0) {
        let bits = bitsText === undefined ? 32 : Number(bitsText);
        // ::ffff:192.0.2.0/120 is the IPv4 /24 written in IPv6 notation
        if (/^::ffff:/i.test(addr.trim()) && bits >= 96) bits -= 96;
        if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new AllowListError(`security.ignore: bad prefix length in "${entry}"`);
        const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
        this.v4.push({ base: (v4 & mask) >>> 0, mask });
        continue;
      }
      const groups = ipv6ToGroups(ip);
      if (groups) {
        const bits = bitsText === undefined ? 128 : Number(bitsText);
        if (!Number.isInteger(bits) || bits < 0 || bits > 128) throw new AllowListError(`security.ignore: bad prefix length in "${entry}"`);
        this.v6.push({ groups, bits });
        continue;
      }
      throw new AllowListError(`security.ignore: "${entry}" is not an IP address or CIDR (expected e.g. 10.0.0.0/8 or 2001:db8::/32)`);
    }
  }

  get empty(): boolean {
    return this.v4.length === 0 && this.v6.length === 0;
  }

  /** True when the (normalised) address is allow-listed. */
  has(ip: string): boolean {
    if (this.empty) return false;
    const hit = this.cache.get(ip);
    if (hit !== undefined) return hit;
    const verdict = this.match(ip);
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(ip, verdict);
    return verdict;
  }

  private match(ip: string): boolean {
    const v4 = ipv4ToInt(ip);
    if (v4 >= 0) return this.v4.some((r) => ((v4 & r.mask) >>> 0) === r.base);
    const groups = ipv6ToGroups(ip);
    if (!groups) return false;
    return this.v6.some((r) => prefixEquals(groups, r.groups, r.bits));
  }
}

function prefixEquals(a: number[], b: number[], bits: number): boolean {
  for (let i = 0; bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((a[i]! & mask) !== (b[i]! & mask)) return false;
  }
  return true;
}
