// `security.ignore`: IPs and CIDRs (IPv4 and IPv6) whose lines are never counted or reported.
// Matching is Node's own net.BlockList; this file only turns config entries into its rules.
import { BlockList, isIP } from 'node:net';
import { normaliseIp } from '../parse/ip.js';

export class AllowListError extends Error {
  readonly code = 'EALLOWLIST';
}

export class AllowList {
  private readonly list = new BlockList();
  private entries = 0;
  /** Verdicts for recently seen addresses (the same few IPs repeat line after line). */
  private readonly cache = new Map<string, boolean>();

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [addr, bitsText] = entry.trim().split('/') as [string, string | undefined];
      const ip = normaliseIp(addr) ?? '';
      const family = isIP(ip);
      if (family === 0) throw new AllowListError(`security.ignore: "${entry}" is not an IP address or CIDR (expected e.g. 10.0.0.0/8 or 2001:db8::/32)`);
      const max = family === 4 ? 32 : 128;
      let bits = bitsText === undefined ? max : Number(bitsText);
      // ::ffff:192.0.2.0/120 is the IPv4 /24 written in IPv6 notation (normaliseIp kept the IPv4 part)
      if (family === 4 && /^::ffff:/i.test(addr.trim()) && bits >= 96) bits -= 96;
      if (!Number.isInteger(bits) || bits < 0 || bits > max) throw new AllowListError(`security.ignore: bad prefix length in "${entry}"`);
      this.list.addSubnet(ip, bits, family === 4 ? 'ipv4' : 'ipv6');
      this.entries++;
    }
  }

  get empty(): boolean {
    return this.entries === 0;
  }

  /** True when the (normalised) address is allow-listed. */
  has(ip: string): boolean {
    if (this.empty) return false;
    const hit = this.cache.get(ip);
    if (hit !== undefined) return hit;
    const family = isIP(ip);
    const verdict = family !== 0 && this.list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(ip, verdict);
    return verdict;
  }
}
