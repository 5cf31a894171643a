// Per-user history of the IPs with a successful login, for `new-ip-login`. Persisted in stateDir as
// a journal (known-ips.jsonl: one {user, ips} record per change, appended off the event loop).
// Bounded: user names are cut to MAX_IDENTITY_CHARS, and the users and their bytes are capped.
import { JournalFile } from '../../common/journal-file.js';
import { boundedField } from '../../events/fields.js';

/** Kept per user; the oldest address is forgotten first (mobile users churn through addresses). */
const MAX_IPS_PER_USER = 50;
const MAX_USERS = 100_000;
const MAX_BYTES = 16 * 1024 * 1024;

export class KnownIps {
  /** In order of the last change: the first user is forgotten first. */
  private readonly users = new Map<string, string[]>();
  private bytes = 0;
  private readonly changed = new Set<string>();
  private readonly journal: JournalFile | null;

  constructor(file?: string) {
    this.journal = file ? new JournalFile(file) : null;
    if (!this.journal) return;
    try {
      for (const r of this.journal.load() as { user?: unknown; ips?: unknown }[]) {
        if (typeof r?.user === 'string' && Array.isArray(r.ips)) this.put(r.user, r.ips.filter((x): x is string => typeof x === 'string').slice(-MAX_IPS_PER_USER));
      }
    } catch {
      // Missing or unreadable history: start empty (first logins do not alert, so this only delays detection).
    }
  }

  /**
   * Records a successful login. Returns true when the user has history and this IP is not in it
   * (a new-ip-login); a user's first-ever login returns false.
   */
  login(rawUser: string, ip: string): boolean {
    const user = boundedField(rawUser)!;
    const ips = this.users.get(user);
    if (ips === undefined) {
      this.put(user, [ip]);
      this.changed.add(user);
      return false;
    }
    if (ips.includes(ip)) return false;
    const next = [...ips, ip];
    if (next.length > MAX_IPS_PER_USER) next.shift();
    this.put(user, next);
    this.changed.add(user);
    return true;
  }

  /** Appends the users whose history changed since the last flush. */
  flush(): Promise<void> {
    if (!this.journal || this.changed.size === 0) return Promise.resolve();
    const changed = [...this.changed].flatMap((user) => { const ips = this.users.get(user); return ips ? [{ user, ips }] : []; });
    this.changed.clear();
    return this.journal.write(changed, () => [...this.users].map(([user, ips]) => ({ user, ips })), 3 * MAX_BYTES);
  }

  private put(user: string, ips: string[]): void {
    const old = this.users.get(user);
    if (old !== undefined) {
      this.users.delete(user);
      this.bytes -= sizeOf(user, old);
    }
    this.users.set(user, ips);
    this.bytes += sizeOf(user, ips);
    while (this.users.size > MAX_USERS || this.bytes > MAX_BYTES) {
      const [first, firstIps] = this.users.entries().next().value as [string, string[]];
      this.users.delete(first);
      this.changed.delete(first);
      this.bytes -= sizeOf(first, firstIps);
    }
  }
}

function sizeOf(user: string, ips: string[]): number {
  return user.length + 24 + ips.length * 42;
}
