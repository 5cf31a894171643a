// Users and groups by name or number: /etc/passwd and /etc/group first, then `getent` (argv, no
// shell) for accounts from NSS (LDAP, sssd, systemd-userdb), as `id` would find them.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface UserAccount { name: string; uid: number; gid: number; home: string }
export interface GroupAccount { name: string; gid: number }

/** A user by name or uid; null when no such account exists. */
export function lookupUser(user: string | number): UserAccount | null {
  const f = lookup('passwd', String(user), typeof user === 'number' ? 2 : 0);
  if (!f || f.length < 7) return null;
  return { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]! };
}

/** A group by name or gid; null when no such group exists. */
export function lookupGroup(group: string | number): GroupAccount | null {
  const f = lookup('group', String(group), typeof group === 'number' ? 2 : 0);
  if (!f || f.length < 3) return null;
  return { name: f[0]!, gid: Number(f[2]) };
}

function lookup(db: 'passwd' | 'group', key: string, column: number): string[] | null {
  try {
    for (const line of readFileSync(`/etc/${db}`, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[column] === key) return f;
    }
  } catch { /* no such file: ask NSS */ }
  if (!/^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}\$?$/.test(key)) return null; // never hand getent an option or odd text
  try {
    const out = execFileSync('getent', [db, key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    const f = out.split('\n')[0]!.split(':');
    return f[column] === key ? f : null;
  } catch {
    return null; // exit 2: not found; or no getent
  }
}
