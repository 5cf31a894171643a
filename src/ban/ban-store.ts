// The bans in force and each target's ban history (for bantime.increment), in state/bans.json so
// that a restarted daemon re-applies them with their remaining time. Written off the event loop's
// critical path: changes are coalesced into one atomic rewrite (temp file + rename) at a time.
import { readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import type { SecurityKind } from '../config/schema/index.js';
import { parseTarget, type Family } from './address.js';

export interface ActiveBan {
  /** The address, or its network (CIDR) with prefix bans. */
  target: string;
  /** The address that caused it. */
  ip: string;
  family: Family;
  /** ms since epoch. */
  since: number;
  until: number;
  /** Which ban of this target it is (1 = first). */
  count: number;
  by: 'detection' | 'user';
  reason: string;
  securityKind?: SecurityKind;
  rule?: string;
  app?: string;
  eventId?: string;
}

export interface BanHistory {
  target: string;
  /** Bans of this target so far. */
  bans: number;
  lastAt: number;
  lastMs: number;
  /** Forgotten after this (ms since epoch). */
  forgetAt: number;
}

interface StoreFile {
  version: 1;
  /** The bans were in force when this was written (false only after a `kill` that removed them). */
  applied: boolean;
  bans: ActiveBan[];
  history: BanHistory[];
}

/** Bound on remembered targets; the least recently banned go first. */
const MAX_HISTORY = 50_000;
const WRITE_DELAY_MS = 50;

export class BanStore {
  readonly bans = new Map<string, ActiveBan>();
  private readonly history = new Map<string, BanHistory>();
  /** What the file said about the previous daemon: were its bans left in force? */
  readonly wasApplied: boolean;
  private applied = true;
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string, now = Date.now()) {
    let data: Partial<StoreFile> = {};
    try {
      data = JSON.parse(readFileSync(file, 'utf8')) as Partial<StoreFile>;
    } catch {
      // No bans yet (or unreadable): start empty.
    }
    this.wasApplied = data.applied !== false;
    for (const b of Array.isArray(data.bans) ? data.bans : []) {
      if (validBan(b)) this.bans.set(b.target, b);
    }
    for (const h of Array.isArray(data.history) ? data.history : []) {
      if (h && typeof h.target === 'string' && Number.isFinite(h.bans) && Number.isFinite(h.forgetAt) && h.forgetAt > now) this.history.set(h.target, h);
    }
  }

  /** Earlier bans of this target that still count. */
  earlierBans(target: string, now: number): number {
    const h = this.history.get(target);
    if (h === undefined) return 0;
    if (h.forgetAt <= now) { this.history.delete(target); return 0; }
    return h.bans;
  }

  /** A ban in force; `counts`: a new ban of the target (false when an operator changes a ban's end). */
  add(ban: ActiveBan, forgetAt: number, counts = true): void {
    this.bans.set(ban.target, ban);
    if (!counts) { this.changed(); return; }
    const h = this.history.get(ban.target);
    this.history.delete(ban.target); // re-inserted last: Map order is least recently banned first
    this.history.set(ban.target, { target: ban.target, bans: (h?.bans ?? 0) + 1, lastAt: ban.since, lastMs: ban.until - ban.since, forgetAt });
    if (this.history.size > MAX_HISTORY) this.history.delete(this.history.keys().next().value!);
    this.changed();
  }

  remove(target: string): ActiveBan | undefined {
    const b = this.bans.get(target);
    if (b !== undefined) { this.bans.delete(target); this.changed(); }
    return b;
  }

  /** Records whether the bans are in force (false when `kill` removed them from the firewall). */
  setApplied(applied: boolean): void {
    this.applied = applied;
    this.changed();
  }

  /** Resolves once everything changed so far is on disk. */
  async flush(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.dirty) this.writing = this.writing.then(() => this.write(), () => this.write());
    await this.writing;
  }

  private changed(): void {
    this.dirty = true;
    this.timer ??= setTimeout(() => { this.timer = null; void this.flush().catch(() => { /* retried on the next change */ }); }, WRITE_DELAY_MS);
  }

  private async write(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const data: StoreFile = { version: 1, applied: this.applied, bans: [...this.bans.values()], history: [...this.history.values()] };
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      const fh = await open(tmp, 'w', 0o600);
      try { await fh.writeFile(JSON.stringify(data)); } finally { await fh.close(); }
      await rename(tmp, this.file);
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }
}

function validBan(b: unknown): b is ActiveBan {
  const x = b as Partial<ActiveBan> | null;
  return !!x && typeof x.target === 'string' && parseTarget(x.target) !== null && typeof x.ip === 'string'
    && Number.isFinite(x.since) && Number.isFinite(x.until) && Number.isFinite(x.count) && (x.by === 'detection' || x.by === 'user')
    && typeof x.reason === 'string' && (x.family === 4 || x.family === 6);
}
