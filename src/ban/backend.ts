// Where bans take effect: the nftables sets (nftables.ts), an operator's programs (exec-backend.ts),
// or nowhere (dryRun). The manager decides; a backend only applies.
import type { ActiveBan } from './ban-store.js';

export interface BanBackend {
  readonly name: 'nftables' | 'exec' | 'dry-run';
  /**
   * Makes the firewall hold exactly `bans` with their remaining time (first start, daemon restart,
   * new config). `inForce`: the previous daemon left these bans applied (a crash, or `persist`).
   */
  start(bans: readonly ActiveBan[], inForce: boolean, now: number): Promise<void>;
  /** Applies new bans; `replace`: some may already be in force and get a new end. */
  add(bans: readonly ActiveBan[], now: number, replace?: boolean): Promise<void>;
  /** Lifts bans before their end (`unban`). */
  remove(bans: readonly ActiveBan[]): Promise<void>;
  /** Bans whose time is up: the kernel already dropped nftables elements; exec must say so. */
  expire(bans: readonly ActiveBan[]): Promise<void>;
  /** `kill`: lift every ban (`bans`), or (`keep`, persist: true) leave them in force for the next daemon. */
  stop(keep: boolean, bans: readonly ActiveBan[]): Promise<void>;
}

/** A ban that could not be applied or lifted, or banning that cannot work here; `code` says which. */
export class BanError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Applies nothing: dryRun. */
export class DryRunBackend implements BanBackend {
  readonly name = 'dry-run';
  async start(): Promise<void> {}
  async add(): Promise<void> {}
  async remove(): Promise<void> {}
  async expire(): Promise<void> {}
  async stop(): Promise<void> {}
}
