// Writes that must survive a crash: write a temp file, (fsync it,) rename it over the target.
// A reader sees the old content or the new one, never a torn file. fsync makes the new content
// survive a power loss too; without it, a SIGKILL of the writer is still safe.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

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
  const fd = openSync(tmp, 'w', opts.mode ?? 0o600);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    if (opts.fsync ?? true) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
