// When a TailSource looks at its files, and how much. A full pass lists the patterns, compares
// every file with what it knew, discovers new ones and reads what changed: at start, on the
// backstop poll, and for directory events that name no file already followed (a new file, a
// rename, a deletion). An event that names a followed file (`change`: it was written) only reads
// that file: with a thousand capture files, a full pass costs ~20 ms of stat calls, and an app
// writing one line must not cost that. Passes never overlap; what comes during one makes one more,
// COALESCE_MS later, so a burst costs one pass.

/** Events within this window share one pass. */
const COALESCE_MS = 10;
/** While full passes find nothing, the poll slows down to this many times pollMs. */
const IDLE_POLL_FACTOR = 8;

export interface PassSchedulerOptions<F> {
  /** The backstop poll's period while passes find news. */
  pollMs: number;
  fullPass(): Promise<void>;
  /** Reads just these followed files. */
  lightPass(files: F[]): Promise<void>;
  onError(err: unknown): void;
}

export class PassScheduler<F> {
  private pollTimer: NodeJS.Timeout | undefined;
  private passTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private idlePasses = 0;
  private foundNewsNow = false;
  private again = false;
  private wantFull = false;
  private readonly changed = new Set<F>();
  private stopped = false;
  /** Passes run so far, of each kind. */
  readonly counts = { full: 0, light: 0 };

  constructor(private readonly o: PassSchedulerOptions<F>) {}

  /** Runs a full pass after any running one; resolves when it ends. */
  async full(): Promise<void> {
    while (this.running) await this.running;
    if (this.stopped) return;
    this.wantFull = true;
    await this.run();
  }

  /** Starts the backstop poll. */
  poll(): void {
    if (this.stopped) return;
    const delay = this.o.pollMs * Math.min(IDLE_POLL_FACTOR, 2 ** Math.min(this.idlePasses, 3));
    this.pollTimer = setTimeout(() => {
      this.wantFull = true;
      this.schedule(0);
      this.poll();
    }, delay);
  }

  /** A directory event: `file` is the followed file it named as written, if any. */
  event(file: F | undefined): void {
    if (file === undefined) {
      this.idlePasses = 0;
      this.wantFull = true;
    } else {
      this.changed.add(file);
    }
    this.schedule(COALESCE_MS);
  }

  /** Said during a full pass: it found something to read (the poll stays quick). */
  foundNews(): void {
    this.foundNewsNow = true;
  }

  /** Said during a pass: something needs another full look once this pass ends. */
  lookAgain(): void {
    this.again = true;
    this.wantFull = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.passTimer);
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.running) { this.again = true; return; }
    if (this.passTimer) return;
    this.passTimer = setTimeout(() => {
      this.passTimer = undefined;
      // A timer set by an event while a pass started elsewhere (start, rescan) may fire during
      // it: never run two passes at once.
      if (this.running) { this.again = true; return; }
      void this.run();
    }, delay);
  }

  private run(): Promise<void> {
    const full = this.wantFull;
    this.wantFull = false;
    // A full pass reads every file that may have changed: the named ones included.
    const files = [...this.changed];
    this.changed.clear();
    this.foundNewsNow = false;
    this.counts[full ? 'full' : 'light']++;
    const pass = full ? this.o.fullPass() : this.o.lightPass(files);
    this.running = pass.catch((err: unknown) => this.o.onError(err)).finally(() => {
      this.running = undefined;
      if (full) this.idlePasses = this.foundNewsNow ? 0 : this.idlePasses + 1;
      if (this.again || this.changed.size > 0) {
        this.again = false;
        this.schedule(COALESCE_MS);
      }
    });
    return this.running;
  }
}
