// Writes that must survive a crash: write a temp file, (fsync it,) rename it over the target.
// A reader sees the old content or the new one, never a torn file. fsync makes the new content
// survive a power loss too; without it, a SIGKILL of the writer is still safe.
import { closeSync, constants, fsyncSync, mkdirSync, renameSync, writeSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { openOwnFile } from './private-file.js';

export interface AtomicWriteOptions {
  /** fsync before the rename (default true); skip it for state where an older copy only costs duplicates. */
  fsync?: boolean;
  mode?: number;
  /** Create the parent directory (0700) first. */
  createDir?: boolean;
}

export function writeFileAtomic(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): void {
  if (opts.createDir) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openOwnFile(tmp, 'replace', opts.mode ?? 0o600); // never through a planted symlink
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    if (opts.fsync ?? true) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * writeFileAtomic off the event loop (the thread pool does the I/O). The temp name is per process:
 * a caller must not run two writes of the same path at once.
 */
export async function writeFileAtomicAsync(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  if (opts.createDir) await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = constants;
  const file = await open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, opts.mode ?? 0o600);
  try {
    await file.writeFile(data);
    if (opts.fsync ?? true) await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
}
