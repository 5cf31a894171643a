// `logs -f`: follows a file by name across rotation. The old file is read to its end before the
// new one is opened, so nothing written just before a rotation is missed.
import { closeSync, fstatSync, readSync, statSync } from 'node:fs';
import { openOwnFile } from '../common/private-file.js';

export interface Follower { stop(): void }

function statOrNull(p: string): { ino: number } | null {
  try { return statSync(p); } catch { return null; }
}

/** onText gets whole lines (ending in \n) and the file offset of their first byte. */
export function followFile(path: string, fromOffset: number, onText: (text: string, offset: number) => void, pollMs = 200): Follower {
  let fd: number | null = null;
  let ino = 0;
  let offset = fromOffset;
  const buf = Buffer.alloc(64 * 1024);
  // Bytes after the last newline, kept as bytes so a character split across reads stays whole.
  let partial = Buffer.alloc(0);

  const open = (at: number) => {
    try {
      fd = openOwnFile(path, 'read');
      ino = fstatSync(fd).ino;
      offset = at;
    } catch {
      fd = null;
    }
  };
  const drain = () => {
    if (fd === null) return;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, offset);
      if (n <= 0) break;
      const start = offset - partial.length;
      offset += n;
      const bytes = partial.length ? Buffer.concat([partial, buf.subarray(0, n)]) : buf.subarray(0, n);
      const nl = bytes.lastIndexOf(10);
      partial = Buffer.from(bytes.subarray(nl + 1));
      if (nl >= 0) onText(bytes.toString('utf8', 0, nl + 1), start);
    }
  };
  const tick = () => {
    if (fd === null) { open(0); drain(); return; }
    drain();
    let st;
    try { st = statSync(path); } catch { return; } // rotated away, not recreated yet
    if (st.ino !== ino) {
      // Lines written to the old file between the drain above and the rename are in it still.
      drain();
      closeSync(fd);
      // Two rotations within one poll: the file now at <path>.1 was never read; read it whole first.
      const skipped = statOrNull(`${path}.1`);
      if (skipped && skipped.ino !== ino && skipped.ino !== st.ino) readWhole(`${path}.1`);
      open(0);
      drain();
    }
    else if (st.size < offset) { offset = 0; partial = Buffer.alloc(0); drain(); } // copytruncate
  };
  const readWhole = (p: string) => {
    try {
      fd = openOwnFile(p, 'read');
      offset = 0;
      drain();
      closeSync(fd);
    } catch { /* rotated away again */ }
    fd = null;
  };
  open(fromOffset);
  drain();
  const timer = setInterval(tick, pollMs);
  return { stop: () => { clearInterval(timer); if (fd !== null) closeSync(fd); } };
}
