// The nftables backend: one table (`inet bulwark`) with one set per address family, each element
// carrying its own timeout, and one rule per set. Banning is an element added to a hash set:
// constant time however many bans there are, and the kernel drops the element when its time is up.
//
//   table inet bulwark {
//     set ban4 { type ipv4_addr; flags timeout; size <maxBans>; }
//     set ban6 { type ipv6_addr; flags timeout; size <maxBans>; }
//     chain prerouting {
//       type filter hook prerouting priority raw; policy accept;
//       ip saddr @ban4 drop            # with prefix bans: ip saddr & 255.255.255.0 @ban4 drop
//       ip6 saddr @ban6 drop
//     }
//   }
//
// Dropping in prerouting at raw priority stops a banned source before connection tracking and
// before DNAT, so it protects containers' published ports too, and established connections end.
// Sets are plain hash sets (no `interval` flag): nft reads a table's whole interval sets back before
// every change, which would make each ban cost time in proportion to the bans already there.
import type { BanConfig } from '../config/schema/index.js';
import type { ActiveBan } from './ban-store.js';
import { BanError, type BanBackend } from './backend.js';
import { netmask, parseTarget, type Family } from './address.js';
import { findNft, NO_NFT, nftTime, runNft } from './nft.js';

interface Job { lines: string[]; resolve(): void; reject(err: Error): void }

export class NftablesBackend implements BanBackend {
  readonly name = 'nftables';
  private readonly nft: string;
  private readonly table: string;
  private readonly queue: Job[] = [];
  private running = false;

  /** Throws BanError when nft is not installed. */
  constructor(private readonly cfg: BanConfig, nft = findNft()) {
    if (nft === null) throw new BanError('EBAN_NFT_MISSING', NO_NFT);
    this.nft = nft;
    this.table = `inet ${cfg.table}`;
  }

  /** The whole table, replacing any previous one in the same transaction (no moment without bans). */
  tableScript(bans: readonly ActiveBan[], now: number): string {
    const { cfg } = this;
    const ports = cfg.ports.length === 0 ? '' : `meta l4proto { tcp, udp } th dport { ${cfg.ports.join(', ')} } `;
    const saddr = (family: Family, bits: number) => `${family === 4 ? 'ip' : 'ip6'} saddr${bits === (family === 4 ? 32 : 128) ? '' : ` & ${netmask(family, bits)}`}`;
    const set = (name: string, type: string, family: Family) => {
      const elements = bans.filter((b) => b.family === family && b.until > now).map((b) => element(b, now));
      return `  set ${name} { type ${type}; flags timeout; size ${cfg.maxBans};${elements.length ? ` elements = { ${elements.join(', ')} };` : ''} }`;
    };
    return [
      `add table ${this.table}`,
      `delete table ${this.table}`,
      `table ${this.table} {`,
      set('ban4', 'ipv4_addr', 4),
      set('ban6', 'ipv6_addr', 6),
      '  chain prerouting {',
      '    type filter hook prerouting priority raw; policy accept;',
      `    ${ports}${saddr(4, cfg.prefix.v4)} @ban4 drop`,
      `    ${ports}${saddr(6, cfg.prefix.v6)} @ban6 drop`,
      '  }',
      '}',
      '',
    ].join('\n');
  }

  /** Checks, without changing anything, that this kernel and this process can hold the table. */
  async check(): Promise<void> {
    await runNft(this.nft, this.tableScript([], Date.now()), true);
  }

  async start(bans: readonly ActiveBan[], _inForce: boolean, now: number): Promise<void> {
    await this.run([this.tableScript(bans, now)]);
  }

  async add(bans: readonly ActiveBan[], now: number, replace = false): Promise<void> {
    const adds = this.elementLines('add', bans, (b) => element(b, now));
    if (!replace) return this.run(adds);
    try {
      await this.run([...this.elementLines('delete', bans, baseOf), ...adds]);
    } catch (err) {
      // Some were not there any more (their time ran out meanwhile): add them afresh.
      if (!(err instanceof BanError && err.code === 'EBAN_NOENT')) throw err;
      await this.run(adds);
    }
  }

  async remove(bans: readonly ActiveBan[]): Promise<void> {
    try {
      await this.run(this.elementLines('delete', bans, baseOf));
    } catch (err) {
      if (!(err instanceof BanError && err.code === 'EBAN_NOENT')) throw err;
      // One of them was gone already (expired in the kernel): lift the others one by one.
      for (const b of bans) {
        await this.run(this.elementLines('delete', [b], baseOf)).catch((e: unknown) => {
          if (!(e instanceof BanError && e.code === 'EBAN_NOENT')) throw e;
        });
      }
    }
  }

  async expire(): Promise<void> {
    // The kernel removed the elements when their timeout ran out.
  }

  async stop(keep: boolean): Promise<void> {
    if (keep) return;
    await this.run([`delete table ${this.table}`]).catch((err: unknown) => {
      if (!(err instanceof BanError && err.code === 'EBAN_NOENT')) throw err;
    });
  }

  private elementLines(verb: 'add' | 'delete', bans: readonly ActiveBan[], render: (b: ActiveBan) => string): string[] {
    const lines: string[] = [];
    for (const [family, set] of [[4, 'ban4'], [6, 'ban6']] as const) {
      const of = bans.filter((b) => b.family === family);
      if (of.length > 0) lines.push(`${verb} element ${this.table} ${set} { ${of.map(render).join(', ')} }`);
    }
    return lines;
  }

  /**
   * One nft process at a time; whatever queues up while it runs goes out as the next single
   * transaction (a burst of bans costs one nft run, not one each). A failed batch is retried job by
   * job, so one bad job cannot fail the others.
   */
  private run(lines: string[]): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ lines, resolve, reject });
      if (!this.running) void this.pump();
    });
  }

  private async pump(): Promise<void> {
    this.running = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      try {
        await runNft(this.nft, `${batch.flatMap((j) => j.lines).join('\n')}\n`);
        for (const j of batch) j.resolve();
      } catch (err) {
        if (batch.length === 1) { batch[0]!.reject(err as Error); continue; }
        for (const j of batch) {
          await runNft(this.nft, `${j.lines.join('\n')}\n`).then(() => j.resolve(), (e: unknown) => j.reject(e as Error));
        }
      }
    }
    this.running = false;
  }
}

/** `192.0.2.7 timeout 10m expires 4m12s`: the original length, and what is left of it. */
function element(b: ActiveBan, now: number): string {
  return `${baseOf(b)} timeout ${nftTime(b.until - b.since)} expires ${nftTime(b.until - now)}`;
}

function baseOf(b: ActiveBan): string {
  return parseTarget(b.target)!.base;
}
