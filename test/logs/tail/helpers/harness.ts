// Shared pieces of the tail tests: a writer child process, a sequence-number ledger, polling waits.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WRITER = fileURLToPath(new URL('./writer.mjs', import.meta.url));
export const TAIL_CHILD = fileURLToPath(new URL('./tail-child.ts', import.meta.url));

export interface WriterConfig {
  file: string;
  mode?: 'none' | 'rename' | 'delete' | 'copytruncate';
  rate?: number;
  tickMs?: number;
  rotations?: number;
  rotateEveryMs?: number;
  durationMs?: number;
  maxLines?: number;
  gated?: boolean;
  stamp?: boolean;
}

export interface Writer {
  child: ChildProcess;
  /** Resolves with the number of lines written once the writer exits. */
  done: Promise<number>;
  /** First sequence number of each file created by a gated rotation, in order. */
  rotatedAt: number[];
}

export function startWriter(cfg: WriterConfig): Writer {
  const child = spawn(process.execPath, [WRITER, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const rotatedAt: number[] = [];
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    out += d;
    let nl;
    while ((nl = out.indexOf('\n')) !== -1) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      if (line.startsWith('rotated ')) rotatedAt.push(Number(line.slice(8)));
      if (line.startsWith('done ')) total = Number(line.slice(5));
    }
  });
  let total = -1;
  const done = new Promise<number>((resolve, reject) => {
    child.on('exit', (code, signal) => (total >= 0 ? resolve(total) : reject(new Error(`writer exited ${code ?? signal} without "done"`))));
  });
  return { child, done, rotatedAt };
}

/** Counts how often each sequence number was seen. */
export class SeqLedger {
  readonly seen = new Uint16Array(2_000_000);
  total = 0;

  /** Lines look like "seq=N ..." */
  add(line: string): void {
    const end = line.indexOf(' ');
    const n = Number(line.slice(4, end === -1 ? undefined : end));
    if (!line.startsWith('seq=') || !Number.isInteger(n)) throw new Error(`unexpected line ${JSON.stringify(line.slice(0, 80))}`);
    this.seen[n]!++;
    this.total++;
  }

  has(n: number): boolean {
    return this.seen[n]! > 0;
  }

  /** Sequence numbers in [0, n) never seen and seen more than once (first few of each), and the count of extra deliveries. */
  audit(n: number): { missing: number; firstMissing: number[]; duplicates: number; firstDuplicated: number[]; beyond: number } {
    let missing = 0, duplicates = 0, beyond = 0;
    const firstMissing: number[] = [], firstDuplicated: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = this.seen[i]!;
      if (c === 0) { missing++; if (firstMissing.length < 10) firstMissing.push(i); }
      if (c > 1) { duplicates += c - 1; if (firstDuplicated.length < 10) firstDuplicated.push(i); }
    }
    for (let i = n; i < this.seen.length; i++) beyond += this.seen[i]!;
    return { missing, firstMissing, duplicates, firstDuplicated, beyond };
  }
}

export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `bulwark-tail-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function kill(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => { child.once('exit', () => resolve()); child.kill(signal); });
}
