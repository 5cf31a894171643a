// Errors of the file tail source. Each carries a code so the daemon can count and route them
// without matching on message text.
export type TailErrorCode =
  | 'ETAIL_OPTIONS' // bad constructor options (validated once, at the edge)
  | 'ETAIL_READ' // a matched file could not be opened, stat'ed or read
  | 'ETAIL_STATE' // the offsets file could not be read or written
  | 'ETAIL_WATCH' // the directory watcher failed (the fallback poll keeps going)
  | 'ETAIL_CONSUMER'; // onBatch threw or rejected: the batch is read again later

export class TailError extends Error {
  constructor(readonly code: TailErrorCode, message: string, readonly path?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TailError';
  }
}

/** A file that cannot be read is reported once, not at every pass, until it opens again. */
export class ReadFailures {
  private readonly reported = new Set<string>();

  constructor(private readonly onError: (err: TailError) => void) {}

  report(path: string, err: unknown): void {
    if (this.reported.has(path)) return;
    this.reported.add(path);
    this.onError(new TailError('ETAIL_READ', `cannot read ${path}: ${(err as Error).message}`, path, { cause: err }));
  }

  /** path opened again: its next failure is news. */
  cleared(path: string): void {
    this.reported.delete(path);
  }
}
