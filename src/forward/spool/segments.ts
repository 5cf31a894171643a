// Spool segment files: <16-digit start position>.seg, each an append-only run of messages, one
// per line. Positions are byte offsets in the endless concatenation of all segments.
import { closeSync, readdirSync, readSync, statSync } from 'node:fs';
import { openOwnFile } from '../../common/private-file.js';
import { join } from 'node:path';

export interface Segment {
  start: number;
  size: number;
  path: string;
}

const NAME = /^(\d{16})\.seg$/;

export function segmentPath(dir: string, start: number): string {
  return join(dir, `${String(start).padStart(16, '0')}.seg`);
}

export function listSegments(dir: string): Segment[] {
  const out: Segment[] = [];
  for (const name of readdirSync(dir)) {
    const m = NAME.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    out.push({ start: Number(m[1]), size: statSync(path).size, path });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Newlines (= messages) in bytes [from, to) of a segment file. */
export function countLines(path: string, from: number, to: number): number {
  const fd = openOwnFile(path, 'read');
  const buf = Buffer.allocUnsafe(1024 * 1024);
  let n = 0;
  try {
    for (let pos = from; pos < to;) {
      const got = readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos);
      if (got === 0) break;
      for (let i = buf.indexOf(10, 0); i !== -1 && i < got; i = buf.indexOf(10, i + 1)) n++;
      pos += got;
    }
  } finally {
    closeSync(fd);
  }
  return n;
}

/** Length of the file up to and including its last newline (a crash can leave a torn last line). */
export function completeLength(path: string, size: number): number {
  if (size === 0) return 0;
  const fd = openOwnFile(path, 'read');
  const buf = Buffer.allocUnsafe(64 * 1024);
  try {
    for (let end = size; end > 0;) {
      const start = Math.max(0, end - buf.length);
      const got = readSync(fd, buf, 0, end - start, start);
      const i = buf.subarray(0, got).lastIndexOf(10);
      if (i !== -1) return start + i + 1;
      end = start;
    }
    return 0;
  } finally {
    closeSync(fd);
  }
}
