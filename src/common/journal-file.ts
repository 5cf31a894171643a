// A small persisted map as an append-only JSON-lines journal: each flush appends the records that
// changed (one write, off the event loop), and when the journal has grown to several times the
// live data it is compacted (the live records written to a temp file, renamed over it). One write
// runs at a time; changes made meanwhile go out with the next one (group commit). A torn last line
// after a crash is skipped on load. No fsync: losing the last seconds of a book after a power loss
// costs counts, never correctness.
import { constants } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { readPrivateFile } from './private-file.js';

const { O_WRONLY, O_APPEND, O_CREAT, O_TRUNC, O_NOFOLLOW } = constants;

export class JournalFile {
  private bytes = 0;
  private running: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** The records on disk, oldest first (a later record of a key replaces an earlier one: the caller's rule). */
  load(): unknown[] {
    const text = readPrivateFile(this.path);
    if (text === null) return [];
    this.bytes = Buffer.byteLength(text);
    const out: unknown[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try { out.push(JSON.parse(line)); } catch { /* a torn write: skip it */ }
    }
    return out;
  }

  /**
   * Appends `changed` (called with the records that changed since the last call), or rewrites the
   * journal with `live()` when it has grown past `compactAbove` bytes. Resolves when it is written.
   */
  write(changed: unknown[], live: () => unknown[], compactAbove: number): Promise<void> {
    if (changed.length === 0) return this.running;
    const step = async (): Promise<void> => {
      try {
        if (this.bytes > compactAbove) await this.rewrite(live());
        else await this.append(lines(changed));
      } catch (err) {
        this.bytes = Infinity; // what failed is in memory only: the next write rewrites everything
        throw err;
      }
    };
    this.running = this.running.then(step, step);
    return this.running;
  }

  private async append(text: string): Promise<void> {
    const fh = await open(this.path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o600);
    try { await fh.writeFile(text); } finally { await fh.close(); }
    this.bytes += Buffer.byteLength(text);
  }

  private async rewrite(records: unknown[]): Promise<void> {
    const text = lines(records);
    const tmp = `${this.path}.${process.pid}.tmp`;
    const fh = await open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600);
    try { await fh.writeFile(text); } finally { await fh.close(); }
    await rename(tmp, this.path);
    this.bytes = Buffer.byteLength(text);
  }
}

function lines(records: unknown[]): string {
  let s = '';
  for (const r of records) s += `${JSON.stringify(r)}\n`;
  return s;
}
