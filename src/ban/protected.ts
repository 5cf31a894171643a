// Addresses bulwark never bans, so that it cannot lock out the operator or the host itself:
// `security.ignore`, loopback, the unspecified addresses and every address of this host's own
// interfaces (read again every few seconds: DHCP and containers change them).
import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { canonicalIp, type BanTarget } from './address.js';

export class ProtectedListError extends Error {
  readonly code = 'EBAN_IGNORE';
}

interface Range { base: string; bits: number; family: 4 | 6; why: string; list: BlockList }

function range(base: string, bits: number, family: 4 | 6, why: string): Range {
  const list = new BlockList();
  list.addSubnet(base, bits, family === 4 ? 'ipv4' : 'ipv6');
  return { base, bits, family, why, list };
}

const BUILT_IN: Range[] = [
  range('127.0.0.0', 8, 4, 'loopback'),
  range('::1', 128, 6, 'loopback'),
  range('0.0.0.0', 32, 4, 'the unspecified address'),
  range('::', 128, 6, 'the unspecified address'),
];
const HOST_REFRESH_MS = 5_000;

export class ProtectedAddresses {
  private readonly fixed: Range[];
  private host: Range[] = [];
  private hostReadAt = -Infinity;

  /** Throws ProtectedListError on an entry that is not an address or CIDR. */
  constructor(ignore: readonly string[], private readonly hostAddresses: () => string[] = ownAddresses) {
    this.fixed = [...BUILT_IN, ...ignore.map(parseIgnore)];
  }

  /** Why this target must not be banned (it is, or its network holds, a protected address), or null. */
  why(t: BanTarget): string | null {
    const list = new BlockList();
    list.addSubnet(t.base, t.bits, t.family === 4 ? 'ipv4' : 'ipv6');
    for (const r of this.ranges()) {
      if (r.family !== t.family) continue;
      const type = r.family === 4 ? 'ipv4' : 'ipv6';
      // Two networks overlap exactly when one holds the other's first address.
      if (r.list.check(t.base, type) || list.check(r.base, type)) {
        return t.bits === (t.family === 4 ? 32 : 128) ? `${t.base} is ${r.why}` : `${t.target} holds ${r.base}${r.bits === (r.family === 4 ? 32 : 128) ? '' : `/${r.bits}`} (${r.why})`;
      }
    }
    return null;
  }

  private ranges(): Range[] {
    const now = Date.now();
    if (now - this.hostReadAt > HOST_REFRESH_MS) {
      this.hostReadAt = now;
      this.host = [];
      for (const a of this.hostAddresses()) {
        const ip = canonicalIp(a);
        if (ip !== null) this.host.push(isIP(ip) === 4 ? range(ip, 32, 4, "one of this host's addresses") : range(ip, 128, 6, "one of this host's addresses"));
      }
    }
    return this.host.length === 0 ? this.fixed : [...this.fixed, ...this.host];
  }
}

function parseIgnore(entry: string): Range {
  const [addr, bitsText, extra] = entry.trim().split('/');
  const ip = canonicalIp(addr ?? '');
  const family = ip === null ? 0 : isIP(ip);
  let bits = bitsText === undefined ? (family === 4 ? 32 : 128) : Number(bitsText);
  // ::ffff:192.0.2.0/120 is the IPv4 /24 written in IPv6 notation
  if (family === 4 && /^::ffff:/i.test(addr!.trim()) && bitsText !== undefined) bits -= 96;
  if (ip === null || extra !== undefined || !/^\d*$/.test(bitsText ?? '') || !Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
    throw new ProtectedListError(`security.ignore: "${entry}" is not an IP address or CIDR (expected e.g. 10.0.0.0/8 or 2001:db8::/32)`);
  }
  return range(ip, bits, family as 4 | 6, `in security.ignore (${entry.trim()})`);
}

function ownAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}
