// `security.ban:` — active response: addresses that attack get blocked at the firewall. Owned by
// src/ban (see docs/bans.md).
import { z } from 'zod';
import { duration } from './units.js';

/** What bans by default: attacks whose address is the attacker's own (docs/bans.md "What bans"). */
export const DEFAULT_BAN_KINDS = ['brute-force', 'credential-stuffing', 'sensitive-file', 'sqli', 'xss', 'traversal'] as const;

const port = z.number().int().min(1).max(65535);
/** 22, or "8000-8100". */
const portOrRange = z.union([
  port,
  z.string().regex(/^\d{1,5}(-\d{1,5})?$/, 'expected a port (22) or a range ("8000-8100")').refine((s) => {
    const [lo, hi] = s.split('-').map(Number) as [number, number | undefined];
    return lo >= 1 && lo <= 65535 && (hi === undefined || (hi >= lo && hi <= 65535));
  }, 'ports are 1-65535, ranges low-high'),
]);

const argv = z.array(z.string().min(1)).min(1);

type Names = readonly [string, ...string[]];

/** Built from security.ts's kinds and severities (passed in, because that file imports this one). */
export function banSchema<K extends Names, S extends Names>(kinds: K, severities: S, defaultKinds: K[number][], defaultSeverity: S[number]) {
  return z.strictObject({
    enabled: z.boolean().default(false),
    backend: z.enum(['nftables', 'exec']).default('nftables'),
    /** The first ban of an address lasts this long. */
    bantime: duration.default(600_000),
    /** Repeat offenders: bantime × 2^(earlier bans), as fail2ban's bantime.increment. */
    increment: z.boolean().default(true),
    maxBantime: duration.default(604_800_000),
    kinds: z.array(z.enum(kinds)).default(defaultKinds),
    minSeverity: z.enum(severities).default(defaultSeverity),
    /** Block only these destination ports (TCP and UDP); empty: every packet from the address. */
    ports: z.array(portOrRange).default([]),
    /** Decide, record and report bans, but change no firewall. */
    dryRun: z.boolean().default(false),
    /** At most this many addresses banned at once; more are refused (the nftables sets are sized to it). */
    maxBans: z.number().int().min(1).max(1_000_000).default(10_000),
    /** Keep the bans in force after `bulwark kill` (the table stays; the next daemon takes it over). */
    persist: z.boolean().default(false),
    /** Ban whole networks: an IPv4 address's /v4 and an IPv6 address's /v6 (e.g. 24 and 64). */
    prefix: z.strictObject({
      v4: z.number().int().min(8).max(32).default(32),
      v6: z.number().int().min(16).max(128).default(128),
    }).prefault({}),
    /** More than `bans` automatic bans within `per` is a storm: alert, and pause banning for `pause`. */
    storm: z.strictObject({
      bans: z.number().int().min(1).default(100),
      per: duration.default(60_000),
      pause: duration.default(600_000),
    }).prefault({}),
    /** nftables: the table (family inet) that holds the sets and rules. */
    table: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/, 'a table name: a letter, then letters, digits, _ or - (at most 32)').default('bulwark'),
    /**
     * backend exec: programs (argv, no shell) run as `ban... ADDRESS SECONDS` and `unban... ADDRESS`;
     * each must exit 0 within `timeout`.
     */
    exec: z.strictObject({ ban: argv, unban: argv, timeout: duration.default(10_000) }).optional(),
  }).superRefine((b, ctx) => {
    if (b.backend === 'exec' && b.exec === undefined) {
      ctx.addIssue({ code: 'custom', path: ['exec'], message: 'backend exec needs exec: { ban: [program, ...], unban: [program, ...] }' });
    }
    if (b.bantime < 1000) ctx.addIssue({ code: 'custom', path: ['bantime'], message: 'a ban lasts at least 1s' });
    if (b.maxBantime < b.bantime) ctx.addIssue({ code: 'custom', path: ['maxBantime'], message: 'maxBantime is shorter than bantime' });
    if (b.storm.pause > 86_400_000) ctx.addIssue({ code: 'custom', path: ['storm', 'pause'], message: 'a storm pause lasts at most 24h' });
  });
}
