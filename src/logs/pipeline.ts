// The log pipeline of the daemon: sources -> parse/detect -> sinks.
//
// Sources are files only: every app's captured stdout/stderr (which the supervisor writes to
// logs/<app>.out.log|.err.log), followed by one shared TailSource, plus each app's `logs.tail`
// files, followed by a TailSource of that app. Reading the captured files rather than the pipes
// costs one read per chunk and buys durability. Each batch moves two resume points: once the
// sinks have written it (a crash of the daemon cannot lose it) and once they made it durable (a
// power loss cannot). A daemon SIGKILL resumes after the last written batch, so it re-reads at
// most one checkpoint interval of lines; a reboot resumes after the last durable one.
import { join } from 'node:path';
import { capturePatterns, parseCaptureFile } from '../common/capture-files.js';
import { PM2_TIME_FORMAT, timestampPrefix } from '../common/date-format.js';
import type { AppConfig, SecurityConfig } from '../config/schema/index.js';
import type { BulwarkEvent, LogLine } from '../events/types.js';
import { Detector } from './detect/detector.js';
import { OffenderBook, offendersFile, type Offender } from './offenders.js';
import { KnownIps } from './detect/known-ips.js';
import { hostileInputCounters, type InputCounters } from './parse/hostile.js';
import { TailSource, type TailBatch } from './tail/index.js';

/** Where detections and raw lines go; offsets advance only as far as the sinks have kept them. */
export interface PipelineSinks {
  publish(e: BulwarkEvent): void;
  /** A raw line (forwarded by endpoints with `select: [all]`). */
  forward(l: LogLine): void;
  /**
   * Calls `done` once everything handed on so far survives a crash of the daemon, as soon as it
   * does (right after the write it waited for); never if it never will (closed).
   */
  afterWritten(done: () => void): void;
  /** Resolves once everything handed on so far survives a power loss; rejects if it never will (closed). */
  durable(): Promise<void>;
  /** undefined when the sinks keep up; else resolves once they have room again, or close (reading waits). */
  ready(): Promise<void> | undefined;
}

/** One source of one app: `stdout`, `stderr` or a tailed file's path. */
export interface SourceStats {
  app: string;
  source: string;
  lines: number;
  bytes: number;
  /** Bytes in its files not read yet (null: none of its files is followed now). */
  lagBytes: number | null;
}

export interface PipelineStats {
  lines: number;
  detections: number;
  files: number;
  rotations: number;
  input: InputCounters & { ignored: number };
}

/** The offender book and login history go to disk this long after the first batch that may have changed them. */
const PERSIST_AFTER_MS = 2000;
/** Batches (read chunks) per app handed to the sinks but not yet durable; reading waits beyond this. */
const MAX_UNFLUSHED = 32;
const COMMIT_EVERY_MS = 100;
/**
 * The captured files are watched; the poll, a full pass over every app's files (~25 ms at a
 * thousand apps), is only a backstop for a missed event, kept slow (and slowing further while
 * nothing changes) so that a thousand idle apps cost next to nothing.
 */
const CAPTURED_POLL_MS = 10_000;

export class LogPipeline {
  private detector: Detector;
  private readonly offenders: OffenderBook;
  private readonly knownIps: KnownIps;
  private apps = new Map<string, AppConfig>();
  /**
   * Per app with a custom `logs.timestamps` format: the `<time>: ` prefix its capture files put
   * before each line, taken off before parsing. The ISO stamp of `true` (PM2's `time`) is left on:
   * the parser reads past it and uses it as the time of a line that has none.
   */
  private stamps = new Map<string, RegExp>();
  /** One source for every app's captured output: one watcher and one poll, however many apps. */
  private captured: TailSource | null = null;
  private readonly capturedWindow: Promise<void>[] = [];
  /** Per app with `logs.tail` files. */
  private readonly tailed = new Map<string, { source: TailSource; key: string }>();
  private lines = 0;
  private detections = 0;
  /** "app\0source" -> lines and bytes read (kept across reconfigure; an app's go when it is deleted). */
  private readonly perSource = new Map<string, { lines: number; bytes: number }>();
  /** Armed by a batch, not an interval: an idle daemon has nothing to persist and must not wake for it. */
  private persistTimer: NodeJS.Timeout | null = null;
  /** Per file, the commit of its newest durable batch (not the batch: its lines can be collected). */
  private readonly toCommit = new Map<string, () => void>();
  private commitTimer: NodeJS.Timeout | null = null;
  /** Ends every wait of a batch on the sinks: closing must not wait for a full disk. */
  private readonly closing = new AbortController();

  constructor(
    private readonly opts: { logsDir: string; stateDir: string; security: SecurityConfig; sinks: PipelineSinks; onError(err: Error): void },
  ) {
    this.offenders = new OffenderBook(offendersFile(opts.stateDir));
    this.knownIps = new KnownIps(join(opts.stateDir, 'known-ips.jsonl'));
    this.detector = this.newDetector(opts.security);
  }

  /** A new `security` section: a fresh detector (windows restart; history and the black book stay). */
  reconfigure(security: SecurityConfig): void {
    this.persist();
    this.detector = this.newDetector(security);
  }

  /** Follows exactly the given apps' files, starting and stopping sources to match. */
  async setApps(apps: AppConfig[]): Promise<void> {
    this.apps = new Map(apps.map((a) => [a.name, a]));
    this.stamps = new Map(apps.flatMap((a) => {
      const format = a.logs.timestamps;
      return typeof format === 'string' && format !== PM2_TIME_FORMAT ? [[a.name, timestampPrefix(format)]] : [];
    }));
    for (const key of this.perSource.keys()) if (!this.apps.has(key.slice(0, key.indexOf('\0')))) this.perSource.delete(key);
    if (!this.captured) {
      this.captured = new TailSource({
        app: 'captured',
        // Rotated names too: a file renamed before the tailer first opened it is still found.
        patterns: capturePatterns(this.opts.logsDir),
        cwd: this.opts.logsDir,
        stateDir: join(this.opts.stateDir, 'captured'),
        pollMs: CAPTURED_POLL_MS,
        onBatch: (b) => this.onCapturedBatch(b),
        onError: (err) => this.opts.onError(err),
      });
      this.startSource(this.captured);
    }
    for (const [name, s] of this.tailed) {
      const app = this.apps.get(name);
      if (!app || tailKey(app) !== s.key) {
        this.tailed.delete(name);
        await s.source.stop();
      }
    }
    for (const app of apps) {
      if (this.tailed.has(app.name) || app.logs.tail.length === 0) continue;
      const window: Promise<void>[] = [];
      const source = new TailSource({
        app: app.name,
        patterns: app.logs.tail,
        cwd: app.cwd ?? process.cwd(),
        stateDir: this.opts.stateDir,
        onBatch: (b) => this.handle(b, app, b.path, window),
        onError: (err) => this.opts.onError(err),
      });
      this.tailed.set(app.name, { source, key: tailKey(app) });
      this.startSource(source);
    }
  }

  offendersList(): Offender[] {
    return this.offenders.list();
  }

  stats(): PipelineStats {
    let files = 0;
    let rotations = 0;
    for (const source of this.allSources()) {
      const s = source.stats();
      files += s.files;
      rotations += s.rotations;
    }
    return { lines: this.lines, detections: this.detections, files, rotations, input: { ...hostileInputCounters(), ignored: this.detector.ignored } };
  }

  /** Lines, bytes and lag per app and source (lag: one stat per followed file). */
  sourceStats(): SourceStats[] {
    const out = new Map<string, SourceStats>();
    const entry = (app: string, source: string): SourceStats => {
      const key = `${app}\0${source}`;
      let e = out.get(key);
      if (e === undefined) {
        const read = this.perSource.get(key);
        out.set(key, e = { app, source, lines: read?.lines ?? 0, bytes: read?.bytes ?? 0, lagBytes: null });
      }
      return e;
    };
    for (const key of this.perSource.keys()) {
      const [app, source] = key.split('\0') as [string, string];
      if (this.apps.has(app)) entry(app, source);
    }
    for (const { path, bytes } of this.captured?.lag() ?? []) {
      const file = parseCaptureFile(path);
      if (!file || !this.apps.has(file.app)) continue;
      const e = entry(file.app, file.stream === 'out' ? 'stdout' : 'stderr');
      e.lagBytes = (e.lagBytes ?? 0) + bytes;
    }
    for (const [app, t] of this.tailed) {
      for (const { path, bytes } of t.source.lag()) {
        const e = entry(app, path);
        e.lagBytes = (e.lagBytes ?? 0) + bytes;
      }
    }
    return [...out.values()];
  }

  async close(): Promise<void> {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.closing.abort();
    await Promise.all(this.allSources().map((s) => s.stop()));
    this.tailed.clear();
    this.captured = null;
    this.commitNow();
    await this.detector.flush().catch((err: unknown) => this.opts.onError(err as Error));
  }

  /** Offender book and login history: appended off the event loop; a failure is reported, the data stays in memory. */
  private persist(): void {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = null;
    this.detector.flush().catch((err: unknown) => this.opts.onError(err as Error));
  }

  private persistSoon(): void {
    this.persistTimer ??= setTimeout(() => this.persist(), PERSIST_AFTER_MS).unref();
  }

  /** Lines of logs/<app>.out.log|.err.log (or their rotated names): app and stream come from the name. */
  private onCapturedBatch(b: TailBatch): Promise<void> | void {
    const capture = parseCaptureFile(b.path);
    const app = capture ? this.apps.get(capture.app) : undefined;
    if (!capture || !app) { this.commitSoon(b.app, b.path, b.commit); return; } // an app deleted since: its old output is not ours to judge
    return this.handle(b, app, capture.stream === 'out' ? 'stdout' : 'stderr', this.capturedWindow, this.stamps.get(app.name));
  }

  /**
   * Parses and detects synchronously, hands everything to the sinks, then lets reading go on while
   * the sinks keep the batch: its `written` checkpoint once they wrote it, its offset commit once
   * they made it durable. Up to MAX_UNFLUSHED batches per source are in flight (a disk that refuses
   * writes therefore stops reading instead of filling memory); writes and flushes complete in order.
   * `stamp`: the timestamp prefix of a captured file, taken off so rules see the app's own line.
   */
  private handle(b: TailBatch, app: AppConfig, source: string, window: Promise<void>[], stamp?: RegExp): Promise<void> | void {
    const { sinks } = this.opts;
    const format = app.logs.format;
    for (const raw of b.lines) {
      const text = stamp === undefined ? raw : raw.replace(stamp, '');
      const line: LogLine = { app: app.name, source, line: text, readAt: b.readAt, clean: false };
      const found = this.detector.inspect(line, format);
      for (const e of found) sinks.publish(e);
      this.detections += found.length;
      sinks.forward(line);
    }
    this.lines += b.lines.length;
    this.persistSoon(); // what the detector recorded (offenders, logins) goes out with the next persist
    const key = `${app.name}\0${source}`;
    const read = this.perSource.get(key);
    if (read === undefined) this.perSource.set(key, { lines: b.lines.length, bytes: b.bytes });
    else { read.lines += b.lines.length; read.bytes += b.bytes; }
    const { app: sourceApp, path, commit, written } = b; // not `b`: the window would keep every line alive
    sinks.afterWritten(written); // never, if the sinks close first: the batch is read again after the restart
    const durable = sinks.durable().then(() => this.commitSoon(sourceApp, path, commit));
    durable.catch(() => { /* closed: the batch stays uncommitted and is read again */ });
    window.push(durable);
    // Hold reading on the oldest batch once the window is full (usually long settled by then), and
    // while a connected endpoint is slower than the file: files can wait, spools should not drop.
    const oldest = window.length >= MAX_UNFLUSHED ? window.shift() : undefined;
    const ready = sinks.ready();
    if (!oldest && !ready) return;
    return this.unlessClosing(Promise.all([oldest, ready]).then(() => {}));
  }

  /** `p`, or an early end when the pipeline closes (then the source stops reading). */
  private unlessClosing(p: Promise<void>): Promise<void> {
    const signal = this.closing.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => resolve();
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /**
   * Commits the newest flushed batch of each file at most every COMMIT_EVERY_MS: one offset write
   * per file, not one per 64 KB batch. After a crash, at most that much more is read again.
   */
  private commitSoon(app: string, path: string, commit: () => void): void {
    this.toCommit.set(`${app}\0${path}`, commit);
    this.commitTimer ??= setTimeout(() => this.commitNow(), COMMIT_EVERY_MS);
  }

  private commitNow(): void {
    if (this.commitTimer) clearTimeout(this.commitTimer);
    this.commitTimer = null;
    for (const commit of this.toCommit.values()) commit();
    this.toCommit.clear();
  }

  /**
   * Not awaited: a source's first pass reads everything already in its files, which can take long
   * (and waits while an endpoint is congested); `start` and the control socket must not wait for it.
   */
  private startSource(source: TailSource): void {
    source.start().catch((err: unknown) => this.opts.onError(err as Error));
  }

  private allSources(): TailSource[] {
    return [...(this.captured ? [this.captured] : []), ...[...this.tailed.values()].map((t) => t.source)];
  }

  private newDetector(security: SecurityConfig): Detector {
    return new Detector(security, { stateDir: this.opts.stateDir, offenders: this.offenders, knownIps: this.knownIps });
  }
}

function tailKey(app: AppConfig): string {
  return JSON.stringify([app.cwd, app.logs.tail, app.logs.format]);
}
