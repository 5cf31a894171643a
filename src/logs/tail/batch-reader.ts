// The per-line path of the tail: read a followed file chunk by chunk to its end, hand each chunk's
// complete lines to the consumer as one batch, and wait for it. A batch the consumer refuses is
// rewound and offered again later; the consumer's written()/commit() move the offsets saved by
// checkpointer.ts. A big backlog yields to the event loop every YIELD_AFTER_MS.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Checkpointer } from './checkpointer.js';
import { TailError, type ReadFailures } from './errors.js';
import type { FollowedFile } from './followed-file.js';

export interface TailBatch {
  app: string;
  /** The name the file had when first followed (e.g. app.log, also for lines read after it became app.log.1). */
  path: string;
  lines: string[];
  /** Bytes the lines took in the file. */
  bytes: number;
  /** Date.now() when the bytes were read. */
  readAt: number;
  /** Call once the batch is written where a crash of this process cannot lose it: after such a crash in this boot, reading resumes after it. */
  written(): void;
  /** Call once the batch is durable (survives a power loss): its end becomes the resume offset (persisted). */
  commit(): void;
}

/** Reading yields to the event loop after this long (a big backlog must not starve the daemon's timers and sockets). */
const YIELD_AFTER_MS = 5;

export interface BatchReaderOptions {
  app: string;
  /** A file that failed (read error, refused batch) is not read again for this long. */
  retryMs: number;
  /**
   * Lines per batch at most. A daemon SIGKILLed between a batch's spool write and its checkpoint
   * sends that batch again after its restart: 512 bounds that to ~50 ms of a 10,000 lines/s stream.
   */
  maxBatchLines: number;
  onBatch(b: TailBatch): void | Promise<void>;
  onError(err: TailError): void;
  /** Aborted when the source stops: reading ends after the batch in hand. */
  stopping: AbortSignal;
  readFailures: ReadFailures;
  checkpointer: Checkpointer;
  /** The file was truncated or rewritten in place: it must restart at 0 (the followed set does it). */
  truncated(f: FollowedFile): void;
}

export class BatchReader {
  /** Lines handed on, and lines cut for length, so far. */
  lines = 0;
  truncatedLines = 0;

  constructor(private readonly o: BatchReaderOptions) {}

  /** Reads f to EOF, handing each chunk's complete lines to onBatch and waiting for it; true if it got there. */
  async drain(f: FollowedFile): Promise<boolean> {
    if (f.retryAt > Date.now()) return false;
    let since = performance.now();
    for (;;) {
      if (this.o.stopping.aborted) return false;
      const lines: string[] = [];
      const from = f.emittedPos;
      const cut = f.truncatedLines;
      try {
        const outcome = f.read(lines, this.o.maxBatchLines);
        if (outcome === 'truncated') { this.o.truncated(f); continue; }
        if (outcome === 'eof') return true;
      } catch (err) {
        this.o.readFailures.report(f.path, err);
        f.retryAt = Date.now() + this.o.retryMs;
        return false;
      }
      this.truncatedLines += f.truncatedLines - cut;
      if (lines.length > 0 && !(await this.deliver(f, lines, from))) return false;
      if (performance.now() - since >= YIELD_AFTER_MS) {
        await yieldToEventLoop();
        since = performance.now();
      }
    }
  }

  /**
   * f left the patterns long ago: read it to its end, hand on its unterminated last line and close
   * it. True once done (the caller forgets it); false to try again on a later pass.
   */
  async finish(f: FollowedFile): Promise<boolean> {
    if (f.isOpen && !(await this.drain(f))) return false;
    if (this.o.stopping.aborted || f.retryAt > Date.now()) return false;
    const lines: string[] = [];
    const from = f.emittedPos;
    f.flushPartial(lines);
    if (lines.length > 0 && !(await this.deliver(f, lines, from))) return false;
    f.close();
    return true;
  }

  /** Hands lines on; on failure rewinds so they are read (and offered) again on a later pass. */
  private async deliver(f: FollowedFile, lines: string[], from: number): Promise<boolean> {
    const record = f.record;
    const end = f.emittedPos;
    const checkpointer = this.o.checkpointer;
    const batch: TailBatch = {
      app: this.o.app, path: record.path, lines, bytes: end - from, readAt: Date.now(),
      written: () => checkpointer.written(record, end),
      commit: () => checkpointer.committed(record, end),
    };
    try {
      const pending = this.o.onBatch(batch);
      // A consumer that returns nothing may still mark the batch from a promise (once its sink
      // wrote it): let the event loop turn before the next chunk is read, so those marks are made
      // before more is read (a SIGKILL then re-reads at most this batch).
      await (pending ?? yieldToEventLoop());
    } catch (err) {
      this.o.onError(new TailError('ETAIL_CONSUMER', `onBatch failed for ${record.path}; the lines will be offered again: ${(err as Error).message}`, record.path, { cause: err }));
      f.rewind(from);
      f.retryAt = Date.now() + this.o.retryMs;
      return false;
    }
    this.lines += lines.length;
    return true;
  }
}
