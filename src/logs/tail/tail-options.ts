// TailSource's options, validated once, at the edge: each bad value is refused with what was
// expected, and defaults are filled in, so the parts behind it never check again.
import { MAX_LINE_BYTES } from '../../common/line-splitter.js';
import { TailError } from './errors.js';
import { compilePattern, type FilePattern } from './glob.js';
import type { TailBatch } from './batch-reader.js';

export interface TailSourceOptions {
  app: string;
  /** Paths or globs (`*`, `?`, `**`), relative to cwd. Include rotated names (app.log*) for copytruncate. */
  patterns: string[];
  cwd: string;
  /** Where tail-<app>.json (the committed offsets) lives. */
  stateDir: string;
  /** Called per batch (the lines of one read, at most maxBatchLines); a returned Promise holds further reading until it settles. */
  onBatch(b: TailBatch): void | Promise<void>;
  /** Fallback poll, for events that never come (default 250 ms; it slows to 8x while nothing changes). */
  pollMs?: number;
  /** Watch directories for changes (default true); false polls only (file systems without inotify). */
  watch?: boolean;
  /** Longer lines are cut to this many bytes, marked and counted (default 64 KB). */
  maxLine?: number;
  /**
   * Lines per batch at most (default 512; a 64 KB read of short lines holds thousands). A batch is
   * what a crash between its write and its checkpoint makes the consumer see again.
   */
  maxBatchLines?: number;
  /** Files found at the very first start (no saved state yet): read from their start (default) or end. */
  startAt?: 'start' | 'end';
  /** A file that left the patterns (renamed away, deleted) is still read until idle this long (default 5 s). */
  rotateWaitMs?: number;
  /** A fully read file unchanged this long gives its descriptor back until it changes (default 60 s). */
  idleCloseMs?: number;
  onError?(err: TailError): void;
}

/** The options after validation: every default filled in, the patterns compiled. */
export interface TailSettings {
  app: string;
  patterns: FilePattern[];
  stateDir: string;
  onBatch: TailSourceOptions['onBatch'];
  onError: (err: TailError) => void;
  pollMs: number;
  watch: boolean;
  maxLine: number;
  maxBatchLines: number;
  startAt: 'start' | 'end';
  rotateWaitMs: number;
  idleCloseMs: number;
}

export function resolveTailOptions(opts: TailSourceOptions): TailSettings {
  if (typeof opts.app !== 'string' || !/^[A-Za-z0-9._-]+$/.test(opts.app)) {
    throw new TailError('ETAIL_OPTIONS', `app must match [A-Za-z0-9._-]+, got ${JSON.stringify(opts.app)}`);
  }
  if (!Array.isArray(opts.patterns) || opts.patterns.length === 0) {
    throw new TailError('ETAIL_OPTIONS', `patterns must be a non-empty list of paths or globs, got ${JSON.stringify(opts.patterns)}`);
  }
  if (typeof opts.onBatch !== 'function') throw new TailError('ETAIL_OPTIONS', 'onBatch must be a function');
  const pollMs = positiveInt('pollMs', opts.pollMs, 250);
  const maxLine = positiveInt('maxLine', opts.maxLine, MAX_LINE_BYTES);
  const maxBatchLines = positiveInt('maxBatchLines', opts.maxBatchLines, 512);
  const rotateWaitMs = positiveInt('rotateWaitMs', opts.rotateWaitMs, 5000);
  const idleCloseMs = positiveInt('idleCloseMs', opts.idleCloseMs, 60_000);
  if (opts.startAt !== undefined && opts.startAt !== 'start' && opts.startAt !== 'end') {
    throw new TailError('ETAIL_OPTIONS', `startAt must be "start" or "end", got ${JSON.stringify(opts.startAt)}`);
  }
  return {
    app: opts.app,
    patterns: opts.patterns.map((p) => compilePattern(p, opts.cwd)),
    stateDir: opts.stateDir,
    onBatch: opts.onBatch,
    onError: opts.onError ?? (() => {}),
    pollMs,
    watch: opts.watch ?? true,
    maxLine,
    maxBatchLines,
    startAt: opts.startAt ?? 'start',
    rotateWaitMs,
    idleCloseMs,
  };
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) throw new TailError('ETAIL_OPTIONS', `${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}
