// Which detections ban, and for how long (fail2ban's bantime.increment for repeat offenders).
import type { BanConfig, SecurityKind, Severity } from '../config/schema/index.js';
import type { SecurityEvent } from '../events/types.js';

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * Rules whose `ip` is not the attacker's: many addresses guessing one user (brute-force-user names
 * only the last of them), and a successful login with a breached password (the address is the
 * account owner's as often as an attacker's). They alert; they never ban.
 */
const NOT_THE_OFFENDER = new Set(['brute-force-user', 'breached-password']);

export class BanPolicy {
  private readonly kinds: ReadonlySet<SecurityKind>;
  private readonly minRank: number;

  constructor(private readonly cfg: BanConfig) {
    this.kinds = new Set(cfg.kinds);
    this.minRank = SEVERITY_RANK[cfg.minSeverity];
  }

  /** True when this detection should ban its `ip`. */
  bans(e: SecurityEvent): boolean {
    return e.ip !== null && this.kinds.has(e.kind) && SEVERITY_RANK[e.severity] >= this.minRank && !NOT_THE_OFFENDER.has(e.rule);
  }

  /**
   * How long a ban lasts when the target was banned `earlier` times before (still remembered):
   * bantime × 2^earlier (exponent capped at 20, as fail2ban's default bantime.formula), at most
   * maxBantime. Without `increment`, always bantime.
   */
  duration(earlier: number): number {
    if (!this.cfg.increment || earlier <= 0) return this.cfg.bantime;
    return Math.min(this.cfg.maxBantime, this.cfg.bantime * 2 ** Math.min(earlier, 20));
  }
}

/**
 * How long an ended ban still counts as an earlier ban: fail2ban keeps a ban in its database until
 * it is older than dbpurgeage (1 day) plus three times its bantime.
 */
export function rememberedUntil(bannedAt: number, durationMs: number): number {
  return bannedAt + 86_400_000 + 3 * durationMs;
}
