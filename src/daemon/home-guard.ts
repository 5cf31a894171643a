// The home is trusted only if no one else could have written it, as OpenSSH's StrictModes trusts
// ~/.ssh: the home and every directory under it is a real directory (not a symlink), owned by the
// effective user and writable by no one else; every directory above it is owned by root or that
// user and writable by no one else unless sticky (/tmp). Checked before the daemon starts, before
// the CLI sends anything (apply requests carry env secrets), and before anything is resurrected.
import { lstatSync, readdirSync, realpathSync, type Stats } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { effectiveUid, octal } from '../common/private-file.js';

export class UnsafeHomeError extends Error {
  readonly code = 'EUNSAFEHOME';
  constructor(home: string, what: string, why: string) {
    super(`refusing BULWARK_HOME ${home}: ${what} ${why}; use a directory owned by uid ${effectiveUid()}, mode 0700, with nothing in it owned by anyone else`);
  }
}

/** Checks the directories above the home (they exist, or the home could not be made there). */
export function checkHomeAncestors(home: string): void {
  let dir: string;
  try {
    dir = realpathSync(dirname(home));
  } catch {
    return; // not there yet: mkdir reports it
  }
  const uid = effectiveUid();
  for (;;) {
    const st = lstatSync(dir);
    if (st.uid !== 0 && st.uid !== uid) throw new UnsafeHomeError(home, `its parent directory ${dir} is`, `owned by uid ${st.uid} (only root or you may own it)`);
    if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) throw new UnsafeHomeError(home, `its parent directory ${dir} is`, `writable by group or others without the sticky bit (mode ${octal(st.mode)})`);
    const up = dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

/**
 * Checks the home directory itself (or `dir`, a directory in it); false when it does not exist yet
 * (or a part of its path is a file: creating it reports that). A file where the directory should
 * be is an EEXIST error, for the caller to word (paths.ts); a symlink is never accepted.
 */
export function checkHomeDir(home: string, dir = home): boolean {
  let st: Stats;
  try {
    st = lstatSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw err;
  }
  if (!st.isDirectory() && !st.isSymbolicLink()) throw Object.assign(new Error(`${dir} is not a directory`), { code: 'EEXIST' });
  const why = unsafeEntry(st, true);
  if (why !== null) throw new UnsafeHomeError(home, dir === home ? 'it is' : `${relative(home, dir)} is`, why);
  return true;
}

/**
 * Walks the whole home (the daemon does, at start): no symlinks anywhere, every directory and file
 * owned by the effective user and writable only by it. Cheap: a few lstat calls per app.
 */
export function checkHomeTree(home: string): void {
  checkHomeAncestors(home);
  if (!checkHomeDir(home)) return;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      let st: Stats;
      try {
        st = lstatSync(path);
      } catch {
        continue; // removed meanwhile
      }
      const why = unsafeEntry(st, st.isDirectory());
      if (why !== null) throw new UnsafeHomeError(home, `${relative(home, path)} is`, why);
      if (st.isDirectory()) walk(path);
    }
  };
  walk(home);
}

/**
 * The control socket, before anything is sent to it: a socket, owned by the effective user, in a
 * home that passes checkHomeDir. A socket planted by someone else would receive `apply` and its secrets.
 */
export function checkSocket(socket: string): void {
  const home = dirname(socket);
  checkHomeAncestors(home);
  try {
    checkHomeDir(home);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return; // a file, not a home: connecting fails as "not running"
    throw err;
  }
  let st: Stats;
  try {
    st = lstatSync(socket);
  } catch {
    return; // no socket: connecting fails with "not running"
  }
  const uid = effectiveUid();
  if (!st.isSocket()) throw new UnsafeHomeError(home, 'daemon.sock is', 'not a socket');
  if (st.uid !== uid) throw new UnsafeHomeError(home, 'daemon.sock is', `owned by uid ${st.uid}, not by you (uid ${uid}): another user's daemon, or a trap`);
}

function unsafeEntry(st: Stats, mustBeDir: boolean): string | null {
  const uid = effectiveUid();
  if (st.isSymbolicLink()) return 'a symlink (never followed)';
  if (mustBeDir && !st.isDirectory()) return 'not a directory';
  if (!st.isDirectory() && !st.isFile() && !st.isSocket()) return 'not a file, directory or socket';
  if (st.uid !== uid) return `owned by uid ${st.uid}, not by you (uid ${uid})`;
  if ((st.mode & 0o022) !== 0) return `writable by group or others (mode ${octal(st.mode)})`;
  return null;
}
