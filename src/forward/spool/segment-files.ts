// The open segment files of a spool, as one byte stream: the last segment is appended to (and cut
// back to its last whole message when a write is refused), full ones rotate, the one being read
// keeps its own descriptor, and those wholly behind the cursor are deleted.
import { closeSync, fdatasync, ftruncateSync, readSync, unlink, writeSync } from 'node:fs';
import { openOwnFile } from '../../common/private-file.js';
import { completeLength, countLines, segmentPath, type Segment } from './segments.js';

export class SegmentFiles {
  segments: Segment[] = [];
  private writeFd = -1;
  private readFd = -1;
  private readFdStart = -1;
  /** A refused write may have left part of a batch behind: cut the segment back before the next one. */
  private repairNeeded = false;

  constructor(
    private readonly dir: string,
    private readonly segmentSize: number,
    /** A segment start or delete failed (retried later; never thrown into socket callbacks). */
    private readonly onError: (err: Error) => void,
  ) {}

  get isOpen(): boolean {
    return this.writeFd >= 0;
  }

  /** The segment being written. */
  get last(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  /**
   * Takes the listed segments, repairs a torn last line and deletes what lies wholly before
   * `committed`; returns the position delivery resumes at, the end, and the messages in between.
   */
  open(segments: Segment[], committed: number): { committed: number; end: number; lines: number } {
    this.segments = segments;
    const first = this.segments[0];
    if (!first) {
      this.segments.push({ start: committed, size: 0, path: segmentPath(this.dir, committed) });
    } else if (committed < first.start) {
      committed = first.start;
    }
    const last = this.last;
    this.writeFd = openOwnFile(last.path, 'appendRead');
    const complete = completeLength(last.path, last.size);
    if (complete !== last.size) {
      ftruncateSync(this.writeFd, complete);
      last.size = complete;
    }
    const end = last.start + last.size;
    committed = Math.min(committed, end);
    this.deleteBefore(committed);
    let lines = 0;
    for (const s of this.segments) {
      const from = Math.max(s.start, committed) - s.start;
      if (from < s.size) lines += countLines(s.path, from, s.size);
    }
    return { committed, end, lines };
  }

  /**
   * Appends `size` bytes of `data` to the last segment (one write). If the disk refuses, the
   * segment is cut back to its last whole message and the error is thrown.
   */
  append(data: Buffer, size: number): void {
    const seg = this.last;
    if (this.repairNeeded) {
      ftruncateSync(this.writeFd, seg.size); // throws while even that fails: nothing is written
      this.repairNeeded = false;
    }
    let off = 0;
    try {
      while (off < size) off += writeSync(this.writeFd, data, off, size - off);
    } catch (e) {
      if (off > 0) this.repair(seg);
      throw e;
    }
    seg.size += size;
  }

  /** fdatasync of the segment being written, off the event loop. */
  datasync(): Promise<void> {
    const fd = this.writeFd;
    return new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  /** Whole messages from `from` up to `end`, about `maxBytes` of them (more if one message is longer); empty at the end. */
  read(from: number, end: number, maxBytes: number): Buffer {
    if (from >= end) return Buffer.alloc(0);
    const seg = this.segmentAt(from);
    const avail = Math.min(seg.start + seg.size, end) - from;
    for (let want = Math.min(maxBytes, avail); ; want = Math.min(want * 2, avail)) {
      const buf = Buffer.allocUnsafe(want);
      const got = readSync(this.readFdFor(seg), buf, 0, want, from - seg.start);
      const last = buf.subarray(0, got).lastIndexOf(10);
      if (last !== -1) return buf.subarray(0, last + 1);
      if (want >= avail) return Buffer.alloc(0); // cannot happen: durable data ends in LF
    }
  }

  /**
   * Starts a new segment at `start` if the last one is full. Only when it holds nothing unsynced
   * (its fd is about to be closed), which the caller knows.
   */
  rotateIfFull(start: number): void {
    if (this.last.size >= this.segmentSize && !this.repairNeeded) this.rotate(start);
  }

  deleteBefore(pos: number): void {
    while (this.segments.length > 1 && this.segments[0]!.start + this.segments[0]!.size <= pos) {
      const s = this.segments.shift()!;
      if (this.readFdStart === s.start) {
        closeSync(this.readFd);
        this.readFd = this.readFdStart = -1;
      }
      // Off the event loop: freeing a big file's pages takes a while. A crash before it is done
      // leaves a segment behind the cursor, which the next open deletes.
      unlink(s.path, (err) => {
        if (err && err.code !== 'ENOENT') this.onError(new Error(`spool ${this.dir}: ${err.message}`, { cause: err }));
      });
    }
  }

  close(): void {
    for (const fd of [this.writeFd, this.readFd]) if (fd >= 0) closeSync(fd);
    this.writeFd = this.readFd = -1;
  }

  private repair(seg: Segment): void {
    try {
      ftruncateSync(this.writeFd, seg.size);
    } catch {
      this.repairNeeded = true;
    }
  }

  private segmentAt(pos: number): Segment {
    for (const s of this.segments) if (pos < s.start + s.size) return s;
    throw new Error(`spool position ${pos} is past the end`);
  }

  private readFdFor(seg: Segment): number {
    if (this.readFdStart !== seg.start) {
      if (this.readFd >= 0) closeSync(this.readFd);
      this.readFd = openOwnFile(seg.path, 'read');
      this.readFdStart = seg.start;
    }
    return this.readFd;
  }

  private rotate(start: number): void {
    const seg = { start, size: 0, path: segmentPath(this.dir, start) };
    let fd: number;
    try {
      fd = openOwnFile(seg.path, 'appendRead');
    } catch (e) {
      // No room for a new file: keep writing the current segment and try again after the next sync.
      this.onError(new Error(`spool ${this.dir}: cannot start a new segment: ${(e as Error).message}`, { cause: e }));
      return;
    }
    closeSync(this.writeFd);
    this.writeFd = fd;
    this.segments.push(seg);
  }
}
