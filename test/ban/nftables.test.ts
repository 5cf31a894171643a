// The nftables backend against the real nft, in a network namespace of its own.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NftablesBackend } from '../../src/ban/nftables.js';
import type { ActiveBan } from '../../src/ban/ban-store.js';
import { securitySchema } from '../../src/config/schema/security.js';
import { NetnsPair, netnsUnavailable } from '../helpers/netns.js';
import { middle } from '../../bench/stats.js';

const skip = netnsUnavailable();

const cfg = (over: Record<string, unknown> = {}) => securitySchema.parse({ ban: { enabled: true, ...over } }).ban;

function ban(target: string, now: number, ms: number, since = now): ActiveBan {
  return { target, ip: target.split('/')[0]!, family: target.includes(':') ? 6 : 4, since, until: now + ms, count: 1, by: 'user', reason: 'x' };
}

/** 10.x.y.z, a distinct address per i. */
const nth = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

describe('nftables backend', { skip, concurrency: false }, () => {
  let pair: NetnsPair;
  before(() => { pair = new NetnsPair(); });
  after(() => pair?.close());

  test('one table, one timeout set and one rule per family; elements keep their remaining time', async () => {
    const b = new NftablesBackend(cfg({ table: 'bw1', maxBans: 500 }), pair.nftInServer);
    const now = Date.now();
    await b.start([ban('192.0.2.7', now, 240_000, now - 360_000), ban('2001:db8::7', now, 3_600_000)], false, now);
    const rs = pair.ruleset();
    assert.match(rs, /table inet bw1 \{/);
    assert.match(rs, /set ban4 \{\s*type ipv4_addr\s*size 500\s*flags timeout\s*elements = \{ 192\.0\.2\.7 timeout 10m expires (3m5\d|4m)/);
    assert.match(rs, /set ban6 \{\s*type ipv6_addr\s*size 500\s*flags timeout\s*elements = \{ 2001:db8::7 timeout 1h expires/);
    const rules = /chain prerouting \{([^}]*)\}/.exec(rs)![1]!.trim().split('\n').map((l) => l.trim());
    assert.deepEqual(rules, ['type filter hook prerouting priority raw; policy accept;', 'ip saddr @ban4 drop', 'ip6 saddr @ban6 drop']);
    await b.stop(false);
    assert.doesNotMatch(pair.ruleset(), /table inet bw1/);
  });

  test('add, replace and remove elements; removing one the kernel already dropped is fine', async () => {
    const b = new NftablesBackend(cfg({ table: 'bw2' }), pair.nftInServer);
    const now = Date.now();
    await b.start([], false, now);
    await b.add([ban('192.0.2.8', now, 60_000), ban('192.0.2.9', now, 60_000), ban('2001:db8::8', now, 60_000)], now);
    assert.match(pair.ruleset(), /192\.0\.2\.8 timeout 1m expires/);
    await b.add([ban('192.0.2.8', now, 7_200_000)], now, true);
    assert.match(pair.ruleset(), /192\.0\.2\.8 timeout 2h expires 1h59m/);
    await b.add([ban('192.0.2.10', now, 7_200_000)], now, true); // "replace" of one that is not there
    await b.remove([ban('192.0.2.8', now, 1), ban('192.0.2.11', now, 1), ban('2001:db8::8', now, 1)]);
    const rs = pair.ruleset();
    assert.doesNotMatch(rs, /192\.0\.2\.8 |2001:db8::8 /);
    assert.match(rs, /192\.0\.2\.9 timeout/);
    assert.match(rs, /192\.0\.2\.10 timeout/);
    await b.stop(false);
  });

  test('prefix bans mask the source in the one rule; ports narrow it to those destinations', async () => {
    const b = new NftablesBackend(cfg({ table: 'bw3', prefix: { v4: 24, v6: 64 }, ports: [22, '8000-8100'] }), pair.nftInServer);
    const now = Date.now();
    await b.start([ban('192.0.2.0/24', now, 60_000), ban('2001:db8:1:2::/64', now, 60_000)], false, now);
    const rs = pair.ruleset();
    assert.match(rs, /meta l4proto \{ tcp, udp \} th dport \{ 22, 8000-8100 \} ip saddr & 255\.255\.255\.0 == @ban4 drop/);
    assert.match(rs, /ip6 saddr & ffff:ffff:ffff:ffff:: == @ban6 drop/);
    assert.match(rs, /elements = \{ 192\.0\.2\.0 timeout/);
    assert.match(rs, /elements = \{ 2001:db8:1:2:: timeout/);
    await b.stop(false);
  });

  test('persist: the table outlives stop, and the next start replaces it with the stored bans', async () => {
    const b = new NftablesBackend(cfg({ table: 'bw4', persist: true }), pair.nftInServer);
    const now = Date.now();
    await b.start([ban('192.0.2.20', now, 60_000), ban('192.0.2.21', now, 60_000)], false, now);
    await b.stop(true);
    assert.match(pair.ruleset(), /192\.0\.2\.20 timeout/);
    await b.start([ban('192.0.2.21', now, 60_000)], true, Date.now());
    const rs = pair.ruleset();
    assert.doesNotMatch(rs, /192\.0\.2\.20 /);
    assert.equal(rs.match(/@ban4 drop/g)?.length, 1, 'one rule, not a second copy');
    await b.stop(false);
  });

  test('10,000 bans load in under a second; adding one more costs the same at 10,000 as at none', async (t) => {
    const now = Date.now();
    const many = Array.from({ length: 10_000 }, (_, i) => ban(nth(i), now, 3_600_000));
    const big = new NftablesBackend(cfg({ table: 'bwbig', maxBans: 20_000 }), pair.nftInServer);
    const small = new NftablesBackend(cfg({ table: 'bwsmall', maxBans: 20_000 }), pair.nftInServer);
    await small.start([], false, now);
    const t0 = performance.now();
    await big.start(many, false, now);
    const loadMs = performance.now() - t0;
    assert.ok(loadMs < 1000, `10,000 bans loaded in ${loadMs.toFixed(0)} ms`);
    assert.equal((pair.ruleset().match(/timeout 1h expires/g) ?? []).length, 10_000);
    // Interleaved, so that a busy machine slows both sides alike.
    const atNone: number[] = [];
    const atMany: number[] = [];
    for (let i = 0; i < 15; i++) {
      for (const [b, out] of [[small, atNone], [big, atMany]] as const) {
        const s = performance.now();
        await b.add([ban(`192.0.2.${100 + i}`, Date.now(), 600_000)], Date.now());
        out.push(performance.now() - s);
      }
    }
    const [m0, m10k] = [middle(atNone), middle(atMany)];
    t.diagnostic(`10,000 bans loaded in ${loadMs.toFixed(0)} ms; one more: ${m0.toFixed(1)} ms at none, ${m10k.toFixed(1)} ms at 10,000 (median of 15)`);
    assert.ok(m10k < m0 * 2 + 20, `one more ban: ${m0.toFixed(1)} ms with none, ${m10k.toFixed(1)} ms with 10,000 (medians of 15)`);
    await big.stop(false);
    await small.stop(false);
  });
});
