// Per-user history of the IPs with a successful login, for `new-ip-login`. Persisted in stateDir.
import { readPrivateFile } from '../../common/private-file.js';
import { writeFileAtomic } from '../../common/atomic-file.js';

/** Kept per user; the oldest address is forgotten first (mobile users churn through addresses). */
const MAX_IPS_PER_USER = 50;
const MAX_USERS = 100_000;

export class KnownIps {
  private readonly users = new Map<string, string[]>();
  private dirty = false;

  constructor(private readonly file?: string) {
    if (!file) return;
    try {
      const data = JSON.parse(readPrivateFile(file) ?? '{}') as { users?: Record<string, string[]> };
      for (const [user, ips] of Object.entries(data.users ?? {})) {
        if (Array.isArray(ips)) this.users.set(user, ips.filter((x) => typeof x === 'string').slice(-MAX_IPS_PER_USER));
      }
    } catch {
      // Missing or unreadable history: start empty (first logins do not alert, so this only delays detection).
    }
  }

  /**
   * Records a successful login. Returns true when the user has history and this IP is not in it
   * (a new-ip-login); a user's first-ever login returns false.
   */
  login(user: string, ip: string): boolean {
    const ips = this.users.get(user);
    if (ips === undefined) {
      if (this.users.size >= MAX_USERS) this.users.delete(this.users.keys().next().value as string);
      this.users.set(user, [ip]);
      this.dirty = true;
      return false;
    }
    if (ips.includes(ip)) return false;
    ips.push(ip);
    if (ips.length > MAX_IPS_PER_USER) ips.shift();
    this.dirty = true;
    return true;
  }

  /** Writes the history if it changed (atomically). */
  flush(): void {
    if (!this.file || !this.dirty) return;
    writeFileAtomic(this.file, JSON.stringify({ version: 1, users: Object.fromEntries(this.users) }), { createDir: true });
    this.dirty = false;
  }
}
