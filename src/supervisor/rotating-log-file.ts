// An append-only capture file rotated by size (<file>.1 is the newest old one, <file>.<keep> the
// oldest). Callers write whole lines only, so a rotation never splits a line; the size is a soft
// limit exceeded by at most one write. Writes are synchronous: page-cache appends take
// microseconds, and a sync write means a rename can never race a pending write. bulwark's own
// capture files have a time index beside them (capture-times.ts), rotated with them and counted
// in their size; copies elsewhere (logs.copyTo) do not. A `lazy` file is opened (created) at its
// first write: a thousand apps that never print cost no creates, fds or index writers at spawn.
import { closeSync, fstatSync, mkdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { openNoFollow } from '../common/private-file.js';
import { dirname } from 'node:path';
import { timesFileFor } from '../common/capture-files.js';
import { CaptureTimesWriter } from './capture-times.js';

// Append, create 0600, and never through a symlink (openNoFollow): a copy may live in a directory
// others can write (PM2's out_file), where a planted link must not redirect the daemon's writes.

export interface RotateOptions {
  /** Rotate once the file reaches this many bytes. */
  size: number;
  /** Rotated files kept; 0 keeps none (the file restarts empty). */
  keep: number;
}

export class RotatingLogFile {
  private fd = -1;
  private size = 0;
  private times: CaptureTimesWriter | null = null;
  private closed = false;

  constructor(readonly path: string, private readonly rotate: RotateOptions, private readonly opts: { timeIndex?: boolean; lazy?: boolean } = {}) {
    if (!opts.lazy) this.open();
  }

  /** Appends buf[start, end) — which must end at a line boundary — then rotates if due. */
  write(buf: Uint8Array, start = 0, end = buf.length): void {
    if (this.fd < 0) {
      if (this.closed) throw new Error(`${this.path} is closed`);
      this.open(); // a lazy file's first write (throws where it cannot be opened; the next write tries again)
    }
    if (this.times !== null) {
      // The offset comes from the file, not our count: `bulwark flush` may have emptied it meanwhile.
      const now = Date.now();
      if (this.times.due(now)) this.size += this.times.mark(fstatSync(this.fd).size, now);
    }
    let off = start;
    while (off < end) off += writeSync(this.fd, buf, off, end - off);
    this.size += end - start;
    if (this.size >= this.rotate.size) this.rotateNow();
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.closed = true;
    this.times?.close();
  }

  private open(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const fd = openNoFollow(this.path, 'append');
    try {
      this.times = this.opts.timeIndex ? new CaptureTimesWriter(timesFileFor(this.path)) : null;
      this.size = fstatSync(fd).size + (this.times?.size ?? 0);
    } catch (err) {
      closeSync(fd);
      this.times?.close();
      this.times = null;
      throw err;
    }
    this.fd = fd;
  }

  private rotateNow(): void {
    closeSync(this.fd);
    const { keep } = this.rotate;
    const index = this.times?.path;
    for (let i = keep - 1; i >= 1; i--) {
      renameIfExists(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      if (index !== undefined) renameIfExists(`${index}.${i}`, `${index}.${i + 1}`);
    }
    if (keep > 0) renameSync(this.path, `${this.path}.1`);
    else unlinkSync(this.path);
    if (index !== undefined) {
      if (keep > 0) renameIfExists(index, `${index}.1`);
      else unlinkIfExists(index);
    }
    this.fd = openNoFollow(this.path, 'append');
    this.times?.reopen();
    this.size = 0;
  }
}

function unlinkIfExists(path: string): void {
  try { unlinkSync(path); } catch { /* gone */ }
}

function renameIfExists(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
