// When captured output was read: beside each capture file, a time index of 16-byte records
// (float64 LE file offset, float64 LE epoch ms), one per write whose millisecond differs from the
// previous record's. A line's time is the record at or before its offset: the time the daemon read
// it from the pipe, not the time someone looks at it. `logs --timestamps` and `logs --json` read it.
import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from 'node:fs';

const RECORD = 16;
/** Append, create 0600, never through a symlink (as the capture file itself). */
const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

export class CaptureTimesWriter {
  private fd: number;
  private lastMs = -1;
  private readonly record = Buffer.alloc(RECORD);

  constructor(readonly path: string) {
    this.fd = openSync(path, APPEND, 0o600);
  }

  /** Bytes in the index (counted toward the capture's rotation size). */
  get size(): number { return fstatSync(this.fd).size; }

  /** A write in a millisecond not yet recorded needs a mark. */
  due(now: number): boolean { return now !== this.lastMs; }

  /** Records that what is written at `offset` was read at `now`; returns the bytes added. */
  mark(offset: number, now: number): number {
    this.lastMs = now;
    this.record.writeDoubleLE(offset, 0);
    this.record.writeDoubleLE(now, 8);
    writeSync(this.fd, this.record, 0, RECORD);
    return RECORD;
  }

  /** After the capture file rotated: a fresh index (the old one was renamed with it). */
  reopen(): void {
    closeSync(this.fd);
    this.fd = openSync(this.path, APPEND, 0o600);
    this.lastMs = -1;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** A time index read back; refresh() picks up records appended since (for `logs -f`). */
export class CaptureTimes {
  private offsets: number[] = [];
  private times: number[] = [];
  private readBytes = 0;
  private ino = -1;

  constructor(private readonly path: string) {
    this.refresh();
  }

  refresh(): void {
    let fd: number;
    try { fd = openSync(this.path, 'r'); } catch { return; } // no index (older capture): times unknown
    try {
      const { size, ino } = fstatSync(fd);
      if (ino !== this.ino || size < this.readBytes) { // rotated (a new file) or flushed (emptied)
        this.offsets = [];
        this.times = [];
        this.readBytes = 0;
        this.ino = ino;
      }
      const whole = Math.floor((size - this.readBytes) / RECORD) * RECORD; // a torn last record waits
      if (whole <= 0) return;
      const buf = Buffer.alloc(whole);
      readSync(fd, buf, 0, whole, this.readBytes);
      this.readBytes += whole;
      for (let i = 0; i < whole; i += RECORD) {
        this.offsets.push(buf.readDoubleLE(i));
        this.times.push(buf.readDoubleLE(i + 8));
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Epoch ms the byte at `offset` was read, or null when the index does not cover it. */
  timeAt(offset: number): number | null {
    let lo = 0;
    let hi = this.offsets.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.offsets[mid]! <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found < 0 ? null : this.times[found]!;
  }
}
