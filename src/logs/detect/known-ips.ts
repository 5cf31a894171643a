// Per-user history of the IPs with a successful login, for `new-ip-login`. Persisted in stateDir as
// a journal (known-ips.jsonl: one {user, ips} record per change, appended off the event loop).
// Bounded: user names are cut to MAX_IDENTITY_CHARS, and the users and their bytes are capped.
import { BoundedBook } from '../../common/bounded-book.js';
import { boundedField } from '../../events/fields.js';

/** Kept per user; the oldest address is forgotten first (mobile users churn through addresses). */
const MAX_IPS_PER_USER = 50;
const MAX_USERS = 100_000;
const MAX_BYTES = 16 * 1024 * 1024;

export class KnownIps {
  /** user -> addresses, in order of the last change: the first user is forgotten first. */
  private readonly book: BoundedBook<string[]>;

  constructor(file?: string) {
    // A missing or unreadable history starts empty (first logins do not alert, so this only delays detection).
    this.book = new BoundedBook<string[]>({
      maxEntries: MAX_USERS,
      maxBytes: MAX_BYTES,
      sizeOf: (user, ips) => user.length + 24 + ips.length * 42,
      restore: (r) => {
        const { user, ips } = (r ?? {}) as { user?: unknown; ips?: unknown };
        return typeof user === 'string' && Array.isArray(ips) ? [user, ips.filter((x): x is string => typeof x === 'string').slice(-MAX_IPS_PER_USER)] : null;
      },
      record: (user, ips) => ({ user, ips }),
    }, file);
  }

  /**
   * Records a successful login. Returns true when the user has history and this IP is not in it
   * (a new-ip-login); a user's first-ever login returns false.
   */
  login(rawUser: string, ip: string): boolean {
    const user = boundedField(rawUser)!;
    const ips = this.book.get(user);
    if (ips === undefined) {
      this.book.set(user, [ip]);
      return false;
    }
    if (ips.includes(ip)) return false;
    const next = [...ips, ip];
    if (next.length > MAX_IPS_PER_USER) next.shift();
    this.book.set(user, next);
    return true;
  }

  /** Appends the users whose history changed since the last flush. */
  flush(): Promise<void> {
    return this.book.flush();
  }
}
