// BanManager: detections in, bans out. Decides (policy, protected addresses, maxBans, storm brake),
// remembers (BanStore), applies (a BanBackend), lifts bans when their time is up, and reports every
// step as a `ban` event.
import { join } from 'node:path';
import type { BanConfig } from '../config/schema/index.js';
import type { BanEvent, SecurityEvent } from '../events/types.js';
import { newEventId } from '../events/id.js';
import { formatDuration } from '../common/units.js';
import { banTarget, canonicalIp, type BanTarget } from './address.js';
import { BanStore, type ActiveBan } from './ban-store.js';
import { BanError, type BanBackend } from './backend.js';
import { BanPolicy, rememberedUntil } from './policy.js';
import { createBackend } from './preflight.js';
import { ProtectedAddresses } from './protected.js';
import { StormGuard } from './storm.js';

export interface BanManagerOptions {
  stateDir: string;
  emit(e: BanEvent): void;
  /** Tests: a backend of their own, a clock of their own, and the host's addresses. */
  backend?: BanBackend;
  now?: () => number;
  hostAddresses?: () => string[];
}

export interface BanStatus {
  backend: BanBackend['name'];
  table: string | null;
  active: number;
  maxBans: number;
  /** Since this daemon started. */
  banned: number;
  refused: number;
  errors: number;
  /** ISO time automatic banning resumes, when a ban storm paused it. */
  pausedUntil: string | null;
}

/** Expiries closer together than this are handled in one pass. */
const EXPIRY_GRANULARITY_MS = 1000;
/** A protected address that keeps attacking is reported once per this long. */
const REFUSAL_QUIET_MS = 600_000;
/** setTimeout fires at once beyond this (2^31-1 ms, about 24.8 days): longer waits wake up and wait again. */
const MAX_TIMER_MS = 2_147_483_647;

export class BanManager {
  private readonly store: BanStore;
  private readonly backend: BanBackend;
  private readonly policy: BanPolicy;
  private readonly protect: ProtectedAddresses;
  private readonly storm: StormGuard;
  private readonly now: () => number;
  private readonly refusedAt = new Map<string, number>();
  private expiryTimer: NodeJS.Timeout | null = null;
  private expiryAt = Infinity;
  private resumeTimer: NodeJS.Timeout | null = null;
  private counts = { banned: 0, refused: 0, errors: 0 };
  private closed = false;

  /** Throws ProtectedListError on a bad security.ignore, BanError when the backend cannot exist here. */
  constructor(private readonly cfg: BanConfig, ignore: readonly string[], private readonly opts: BanManagerOptions) {
    this.now = opts.now ?? Date.now;
    this.protect = new ProtectedAddresses(ignore, opts.hostAddresses);
    this.policy = new BanPolicy(cfg);
    this.storm = new StormGuard(cfg.storm.bans, cfg.storm.per, cfg.storm.pause);
    this.store = new BanStore(join(opts.stateDir, 'bans.json'), this.now());
    this.backend = opts.backend ?? createBackend(cfg);
  }

  /** Takes over the stored bans: those whose time ran out are lifted, the rest applied with their remaining time. */
  async start(): Promise<void> {
    const now = this.now();
    const ended = [...this.store.bans.values()].filter((b) => b.until <= now);
    for (const b of ended) this.store.remove(b.target);
    const active = [...this.store.bans.values()];
    if (this.store.wasApplied && ended.length > 0) await this.backend.expire(ended).catch((err: unknown) => this.failed(err));
    for (const b of ended) this.event('unban', b, `unbanned ${b.target}: its ${formatDuration(b.until - b.since)} ran out while the daemon was down`, 'expiry');
    await this.backend.start(active, this.store.wasApplied, now);
    this.store.setApplied(true);
    if (active.length > 0) {
      this.emit('ban.restored', { by: 'config', count: active.length }, `${active.length} ban(s) in force again with their remaining time (${this.backend.name})`);
    }
    this.scheduleExpiry();
  }

  /** Every security event: bans its address when the policy says so and nothing forbids it. */
  consider(e: SecurityEvent): void {
    if (this.closed || !this.policy.bans(e)) return;
    const t = banTarget(e.ip!, this.cfg.prefix);
    if (t === null || this.store.bans.has(t.target)) return;
    const now = this.now();
    if (this.refuse(t, e.ip!, now)) return;
    const verdict = this.storm.take(now);
    if (verdict === 'paused') return;
    if (verdict === 'storm') { this.stormStarted(now); return; }
    const earlier = this.store.earlierBans(t.target, now);
    const ban: ActiveBan = {
      target: t.target, ip: e.ip!, family: t.family, since: now, until: now + this.policy.duration(earlier), count: earlier + 1,
      by: 'detection', reason: `${e.kind} (rule ${e.rule}, ${e.count} event${e.count === 1 ? '' : 's'})`,
      securityKind: e.kind, rule: e.rule, app: e.app, eventId: e.id,
    };
    void this.apply(ban, false).catch(() => { /* reported as ban.error */ });
  }

  /** `bulwark ban`: bans at once (no storm brake), for `durationMs` or the policy's time. */
  async ban(ip: string, durationMs: number | undefined, reason: string | undefined): Promise<ActiveBan> {
    const t = banTarget(ip, this.cfg.prefix);
    if (t === null) throw new BanError('EBAN_BADIP', `${JSON.stringify(ip)} is not an IPv4 or IPv6 address`);
    const now = this.now();
    const why = this.protect.why(t);
    if (why !== null) throw new BanError('EBAN_PROTECTED', `refusing to ban ${t.target}: ${why}`);
    const current = this.store.bans.get(t.target);
    if (current === undefined && this.store.bans.size >= this.cfg.maxBans) throw new BanError('EBAN_FULL', `refusing to ban ${t.target}: maxBans (${this.cfg.maxBans}) addresses are banned already`);
    const earlier = current ? current.count - 1 : this.store.earlierBans(t.target, now);
    const ban: ActiveBan = {
      target: t.target, ip: canonicalIp(ip)!, family: t.family, since: now,
      until: now + (durationMs ?? this.policy.duration(earlier)), count: earlier + 1, by: 'user', reason: reason ?? 'banned by the operator',
    };
    await this.apply(ban, current !== undefined);
    return ban;
  }

  /** `bulwark unban`: lifts one target (an address finds its prefix ban too), or all. */
  async unban(which: string): Promise<ActiveBan[]> {
    let bans: ActiveBan[];
    if (which === 'all') bans = [...this.store.bans.values()];
    else {
      const t = banTarget(which, this.cfg.prefix);
      const ban = this.store.bans.get(which) ?? (t ? this.store.bans.get(t.target) : undefined);
      if (ban === undefined) throw new BanError('EBAN_NOTBANNED', `${which} is not banned`);
      bans = [ban];
    }
    if (bans.length === 0) return [];
    await this.backend.remove(bans).catch((err: unknown) => { throw this.failed(err); });
    for (const b of bans) {
      this.store.remove(b.target);
      this.event('unban', b, `unbanned ${b.target} by the operator`, 'user');
    }
    this.scheduleExpiry();
    return bans;
  }

  /** The bans in force, soonest to end first. */
  list(): ActiveBan[] {
    return [...this.store.bans.values()].sort((a, b) => a.until - b.until);
  }

  status(): BanStatus {
    const paused = this.storm.pausedTill(this.now());
    return {
      backend: this.backend.name, table: this.backend.name === 'nftables' ? `inet ${this.cfg.table}` : null, active: this.store.bans.size,
      maxBans: this.cfg.maxBans, ...this.counts, pausedUntil: paused === null ? null : new Date(paused).toISOString(),
    };
  }

  /**
   * Stops banning. `kill`: the daemon is going away, so the bans are lifted unless `persist`;
   * otherwise (a new config) they stay in force for the next manager.
   */
  async close(kill: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    const keep = !kill || this.cfg.persist;
    try {
      await this.backend.stop(keep, this.list());
      this.store.setApplied(keep);
    } catch (err) {
      this.failed(err);
    } finally {
      await this.store.flush().catch(() => { /* the next start reads the previous copy */ });
    }
  }

  private async apply(ban: ActiveBan, replace: boolean): Promise<void> {
    this.store.add(ban, rememberedUntil(ban.since, ban.until - ban.since), !replace);
    try {
      await this.backend.add([ban], this.now(), replace);
    } catch (err) {
      this.store.remove(ban.target);
      throw this.failed(err);
    }
    this.counts.banned++;
    const length = formatDuration(ban.until - ban.since);
    const nth = ban.count > 1 ? `; ban #${ban.count} of this ${ban.target === ban.ip ? 'address' : 'network'}` : '';
    this.event('ban', ban, ban.by === 'user'
      ? `banned ${ban.target} for ${length} by the operator: ${ban.reason}`
      : `banned ${ban.target} for ${length}: ${ban.reason}${nth}`, ban.by);
    if (ban.until < this.expiryAt) this.scheduleExpiry();
  }

  /** A protected target or a full set: no ban; said once in a while, not on every line. */
  private refuse(t: BanTarget, ip: string, now: number): boolean {
    const last = this.refusedAt.get(t.target);
    // A protected address behind every line of an attack (a local proxy): decided once per quiet period.
    if (last !== undefined && now - last <= REFUSAL_QUIET_MS) { this.counts.refused++; return true; }
    const why = this.protect.why(t);
    const full = why === null && this.store.bans.size >= this.cfg.maxBans;
    if (why === null && !full) return false;
    this.counts.refused++;
    const key = full ? '\0full' : t.target;
    const said = this.refusedAt.get(key);
    if (said === undefined || now - said > REFUSAL_QUIET_MS) {
      if (this.refusedAt.size >= 1000) this.refusedAt.clear();
      this.refusedAt.set(key, now);
      if (full) this.emit('ban.full', { ip, target: t.target }, `not banning ${t.target}: maxBans (${this.cfg.maxBans}) addresses are banned already; further refusals are counted in \`bulwark status\``);
      else this.emit('ban.refused', { ip, target: t.target }, `not banning ${t.target}: ${why}`);
    }
    return true;
  }

  private stormStarted(now: number): void {
    const until = this.storm.pausedTill(now)!;
    this.emit('ban.storm', { until: new Date(until).toISOString() },
      `ban storm: more than ${this.cfg.storm.bans} bans within ${formatDuration(this.cfg.storm.per)}; automatic banning paused for ${formatDuration(this.cfg.storm.pause)} (bans in force stay; \`bulwark ban\` still works)`);
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = null;
      if (!this.closed) this.emit('ban.resumed', {}, 'automatic banning resumed after the ban storm pause');
    }, Math.min(MAX_TIMER_MS, until - now));
    this.resumeTimer.unref();
  }

  /** One timer for the next end of a ban; everything due within a second of it is lifted together. */
  private scheduleExpiry(): void {
    if (this.closed) return;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    let next = Infinity;
    for (const b of this.store.bans.values()) if (b.until < next) next = b.until;
    this.expiryAt = next;
    if (next === Infinity) return;
    this.expiryTimer = setTimeout(() => void this.expireDue(), Math.min(MAX_TIMER_MS, Math.max(0, next - this.now())));
    this.expiryTimer.unref();
  }

  private async expireDue(): Promise<void> {
    this.expiryTimer = null;
    const due = this.now() + EXPIRY_GRANULARITY_MS;
    const ended = [...this.store.bans.values()].filter((b) => b.until <= due);
    for (const b of ended) this.store.remove(b.target);
    this.scheduleExpiry();
    await this.backend.expire(ended).catch((err: unknown) => this.failed(err));
    for (const b of ended) this.event('unban', b, `unbanned ${b.target}: its ${formatDuration(b.until - b.since)} ran out`, 'expiry');
  }

  private failed(err: unknown): Error {
    const e = err instanceof Error ? err : new Error(String(err));
    this.counts.errors++;
    this.emit('ban.error', {}, `${this.backend.name}: ${e.message}`);
    return e;
  }

  private event(kind: 'ban' | 'unban', b: ActiveBan, message: string, by: BanEvent['by']): void {
    this.emit(kind, {
      ip: b.ip, target: b.target, by, count: b.count,
      ...(kind === 'ban' ? { until: new Date(b.until).toISOString(), durationMs: b.until - b.since } : {}),
      ...(b.securityKind ? { securityKind: b.securityKind, rule: b.rule, eventId: b.eventId } : {}),
      ...(b.app ? { app: b.app } : {}),
    }, message);
  }

  private emit(kind: BanEvent['kind'], fields: Partial<BanEvent>, message: string): void {
    const e: BanEvent = { id: newEventId(), at: new Date(this.now()).toISOString(), type: 'ban', kind, ...fields, message };
    if (this.cfg.dryRun && (kind === 'ban' || kind === 'unban')) e.dryRun = true;
    try { this.opts.emit(e); } catch { /* a faulty listener must not stop banning */ }
  }
}
