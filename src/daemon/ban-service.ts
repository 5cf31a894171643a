// The daemon's side of active response: one BanManager for the `security.ban` in force, rebuilt
// when it changes, fed every security event, and the control requests `ban`, `unban`, `bans`.
import { z } from 'zod';
import type { SecurityConfig } from '../config/schema/index.js';
import type { BanEvent, SecurityEvent } from '../events/types.js';
import { newEventId } from '../events/id.js';
import { BanManager, type BanStatus } from '../ban/manager.js';
import { checkBanning } from '../ban/preflight.js';
import type { ActiveBan } from '../ban/ban-store.js';
import { ControlError } from './protocol.js';
import type { Handler } from './control-server.js';

export interface BanServiceStatus extends Partial<BanStatus> {
  enabled: boolean;
  dryRun?: boolean;
  /** Why bans are configured but not working (nft missing, no CAP_NET_ADMIN, ...). */
  unavailable?: string;
}

/** Control requests (checked here, at the socket, before the manager sees them). */
const banArgs = z.strictObject({
  ip: z.string().min(1).max(64),
  durationMs: z.number().int().min(1000).max(10 * 365 * 86_400_000).optional(),
  // eslint-disable-next-line no-control-regex
  reason: z.string().min(1).max(200).regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'no control characters').optional(),
});
const unbanArgs = z.strictObject({ ip: z.string().min(1).max(64) });
/** The argument schemas of the ban requests, for the socket's request table. */
export const BAN_REQUEST_ARGS = { ban: banArgs, unban: unbanArgs, bans: z.strictObject({}) };

export class BanService {
  private manager: BanManager | null = null;
  /** The settings the manager was built from (ban + ignore), to see whether a new config changes them. */
  private key = '';
  private enabled = false;
  private dryRun = false;
  private unavailable: string | null = null;

  constructor(private readonly stateDir: string, private readonly emit: (e: BanEvent) => void, private readonly warn: (msg: string) => void) {}

  /**
   * Adopts a security section. With `strict` (a config the CLI is applying) a ban setup that cannot
   * work here throws ControlError ECONFIG before anything changes; otherwise (resurrect at start)
   * the daemon goes on without bans and says why.
   */
  async adopt(security: SecurityConfig, strict: boolean): Promise<void> {
    const key = JSON.stringify([security.ban, security.ignore]);
    if (key === this.key) return;
    const cfg = security.ban;
    let next: BanManager | null = null;
    try {
      if (cfg.enabled) {
        await checkBanning(cfg);
        next = new BanManager(cfg, security.ignore, { stateDir: this.stateDir, emit: this.emit });
      }
    } catch (err) {
      if (strict) throw new ControlError('ECONFIG', (err as Error).message);
      this.fail((err as Error).message);
      next = null;
    }
    // The old manager leaves its bans in force for the next one, or lifts them when bans are off now.
    await this.manager?.close(!cfg.enabled);
    this.manager = null;
    this.key = key;
    this.enabled = cfg.enabled;
    this.dryRun = cfg.dryRun;
    if (next === null) return;
    this.unavailable = null;
    try {
      await next.start();
      this.manager = next;
    } catch (err) {
      this.fail((err as Error).message);
    }
  }

  consider(e: SecurityEvent): void {
    this.manager?.consider(e);
  }

  status(): BanServiceStatus {
    if (this.manager) return { enabled: true, dryRun: this.dryRun, ...this.manager.status() };
    return { enabled: this.enabled, ...(this.unavailable ? { unavailable: this.unavailable } : {}) };
  }

  /** `kill`: lifts the bans unless `persist`. */
  async close(): Promise<void> {
    await this.manager?.close(true);
    this.manager = null;
  }

  handlers(): [string, Handler][] {
    return [
      ['ban', async (args) => {
        const a = parse(banArgs, args);
        return publicBan(await this.active().ban(a.ip, a.durationMs, a.reason));
      }],
      ['unban', async (args) => ({ removed: (await this.active().unban(parse(unbanArgs, args).ip)).map(publicBan) })],
      ['bans', (args) => {
        parse(BAN_REQUEST_ARGS.bans, args);
        return { status: this.status(), bans: this.manager?.list().map(publicBan) ?? [] };
      }],
    ];
  }

  private active(): BanManager {
    if (this.manager) return this.manager;
    throw new ControlError('EBAN_OFF', this.unavailable !== null
      ? `bans are not working: ${this.unavailable}`
      : 'bans are off: set security.ban.enabled: true in the config and run `bulwark start <config>` again');
  }

  private fail(message: string): void {
    this.unavailable = message;
    this.warn(`bans are not working: ${message}`);
    this.emit({ id: newEventId(), at: new Date().toISOString(), type: 'ban', kind: 'ban.error', message: `bans are not working: ${message}` });
  }
}

/** A ban as the CLI shows it: times as ISO strings, remaining time in ms. */
export interface PublicBan extends Omit<ActiveBan, 'since' | 'until'> { since: string; until: string; remainingMs: number }

function publicBan(b: ActiveBan): PublicBan {
  return { ...b, since: new Date(b.since).toISOString(), until: new Date(b.until).toISOString(), remainingMs: Math.max(0, b.until - Date.now()) };
}

function parse<T extends z.ZodType>(schema: T, args: Record<string, unknown>): z.output<T> {
  const r = schema.safeParse(args);
  if (r.success) return r.data;
  throw new ControlError('EBADREQ', r.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; '));
}
