// Files under the bulwark home are opened without following symlinks (O_NOFOLLOW), and state read
// back from disk must be the effective user's own 0600 file: a root daemon must never append its
// apps' output through a planted symlink, nor restore a table someone else wrote.
import { closeSync, constants, fchmodSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_APPEND, O_TRUNC, O_EXCL, O_NOFOLLOW } = constants;

/** How a file is opened; every one adds O_NOFOLLOW. */
const FLAGS = {
  read: O_RDONLY,
  append: O_WRONLY | O_APPEND | O_CREAT,
  appendRead: O_RDWR | O_APPEND | O_CREAT,
  /** Read and overwrite in place (positional writes; O_APPEND would ignore the position). */
  update: O_RDWR | O_CREAT,
  /** Create or truncate (temp files of atomic writes). */
  replace: O_WRONLY | O_CREAT | O_TRUNC,
  /** Create; fail if it exists (lock files). */
  exclusive: O_WRONLY | O_CREAT | O_EXCL,
} as const;
export type OpenHow = keyof typeof FLAGS;

export class UnsafeFileError extends Error {
  readonly code = 'EUNSAFEFILE';
  constructor(readonly path: string, why: string) {
    super(`refusing ${path}: ${why}`);
  }
}

export function effectiveUid(): number {
  return process.geteuid?.() ?? 0;
}

/** Why a file's metadata is not the effective user's own regular file, or null when it is. */
export function notOwnFile(st: Stats, requirePrivate: boolean): string | null {
  if (!st.isFile()) return 'not a regular file';
  const uid = effectiveUid();
  if (st.uid !== uid) return `owned by uid ${st.uid}, not by the user running bulwark (uid ${uid})`;
  if ((st.mode & 0o022) !== 0) return `writable by group or others (mode ${octal(st.mode)})`;
  if (requirePrivate && (st.mode & 0o077) !== 0) return `readable by group or others (mode ${octal(st.mode)}; expected 0600)`;
  return null;
}

export function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}

/** Opens a file, never through a symlink in its last component (UnsafeFileError, not ELOOP). */
export function openNoFollow(path: string, how: OpenHow = 'read', mode = 0o600): number {
  try {
    return openSync(path, FLAGS[how] | O_NOFOLLOW, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new UnsafeFileError(path, 'it is a symlink (ELOOP: bulwark never writes or reads its files through links)');
    throw err;
  }
}

/**
 * Opens a file under the home: never through a symlink (UnsafeFileError), and only if it is the
 * effective user's regular file that no one else can write. Files we write to are tightened to 0600.
 */
export function openOwnFile(path: string, how: OpenHow = 'read', mode = 0o600): number {
  const fd = openNoFollow(path, how, mode);
  try {
    const st = fstatSync(fd);
    const why = notOwnFile(st, false);
    if (why !== null) throw new UnsafeFileError(path, why);
    if (how !== 'read' && (st.mode & 0o077) !== 0) fchmodSync(fd, st.mode & 0o700);
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/**
 * The whole text of a state file, or null when there is none. Throws UnsafeFileError unless it is
 * the effective user's own 0600 regular file, reached without a symlink.
 */
export function readPrivateFile(path: string): string | null {
  let fd: number;
  try {
    fd = openOwnFile(path, 'read');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const st = fstatSync(fd);
    const why = notOwnFile(st, true);
    if (why !== null) throw new UnsafeFileError(path, why);
    const buf = Buffer.allocUnsafe(st.size);
    let n = 0;
    while (n < st.size) {
      const got = readSync(fd, buf, n, st.size - n, n);
      if (got === 0) break;
      n += got;
    }
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}
