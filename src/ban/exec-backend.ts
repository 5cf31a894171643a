// The exec backend, for cloud firewalls and other tools: `ban... ADDRESS SECONDS` and
// `unban... ADDRESS`, run the way the exec alert channel runs its command (argv without a shell,
// own process group killed at the timeout, exit 0 required). Bulwark keeps the clock: it runs
// `unban` when a ban's time is up. ADDRESS is a validated address or CIDR, never text from a log.
import type { BanConfig } from '../config/schema/index.js';
import { describeExit, runArgv } from '../common/run-argv.js';
import type { ActiveBan } from './ban-store.js';
import { BanError, type BanBackend } from './backend.js';

type ExecSettings = NonNullable<BanConfig['exec']>;

/** Programs running at once (a slow cloud API must not hold every other ban back). */
const PARALLEL = 4;

export class ExecBanBackend implements BanBackend {
  readonly name = 'exec';
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly cfg: ExecSettings) {}

  async start(bans: readonly ActiveBan[], inForce: boolean, now: number): Promise<void> {
    // Bans a previous daemon left in force are still there; those `kill` lifted are applied again.
    if (!inForce) await this.add(bans, now);
  }

  async add(bans: readonly ActiveBan[], now: number): Promise<void> {
    await all(bans.map((b) => this.call('ban', [...this.cfg.ban, b.target, String(Math.max(1, Math.round((b.until - now) / 1000)))], b)));
  }

  async remove(bans: readonly ActiveBan[]): Promise<void> {
    await all(bans.map((b) => this.call('unban', [...this.cfg.unban, b.target], b)));
  }

  expire(bans: readonly ActiveBan[]): Promise<void> {
    return this.remove(bans);
  }

  async stop(keep: boolean, bans: readonly ActiveBan[]): Promise<void> {
    if (!keep) await this.remove(bans);
  }

  private async call(action: 'ban' | 'unban', argv: string[], b: ActiveBan): Promise<void> {
    await this.slot();
    try {
      const r = await runArgv(argv as [string, ...string[]], {
        timeoutMs: this.cfg.timeout,
        env: { ...process.env, BULWARK_BAN_ACTION: action, BULWARK_BAN_TARGET: b.target, BULWARK_BAN_UNTIL: new Date(b.until).toISOString() },
      }).catch((err: Error) => { throw new BanError('EBAN_EXEC', `${action} ${argv[0]}: ${err.message}`); });
      if (r.timedOut || r.code !== 0) throw new BanError('EBAN_EXEC', `${action} ${b.target}: ${argv[0]} ${describeExit(r, this.cfg.timeout)}`);
    } finally {
      this.release();
    }
  }

  private slot(): Promise<void> {
    if (this.active < PARALLEL) { this.active++; return Promise.resolve(); }
    return new Promise((resolve) => this.waiting.push(() => { this.active++; resolve(); }));
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}

/** Like Promise.all, but waits for every call and reports every failure, not only the first. */
async function all(calls: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(calls)).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length === 1) throw failed[0]!.reason;
  if (failed.length > 1) throw new BanError('EBAN_EXEC', `${failed.length} calls failed; first: ${(failed[0]!.reason as Error).message}`);
}
