// `bulwark scan`: the detection pipeline run offline over files, like fail2ban-regex.
// Streams each file in large chunks and hands output back in large chunks; nothing holds the whole file.
import { open, stat } from 'node:fs/promises';
import type { SecurityConfig } from '../config/schema/index.js';
import type { LogLine, SecurityEvent } from '../events/types.js';
import { Detector } from './detect/detector.js';
import { explainLine, type ExplainRow } from './explain.js';
import type { FormatOption } from './parse/index.js';
import type { InputCounters } from './parse/hostile.js';
import { LineSplitter, lineText, type LineSink } from '../common/line-splitter.js';

/** A detection as `scan --json` prints it: the SPEC event shape plus where it was found. */
export type ScanMatch = Pick<SecurityEvent, 'at' | 'kind' | 'app' | 'source' | 'line' | 'ip' | 'user' | 'rule' | 'severity' | 'message' | 'count'> & {
  file: string;
  /** 1-based line number in `file`. */
  lineNo: number;
};

export interface ScanSummary {
  files: number;
  lines: number;
  events: number;
  byKind: Record<string, number>;
  byRule: Record<string, number>;
  /** Hostile input seen (truncated, invalid UTF-8, NUL, binary, CRLF). */
  input: InputCounters;
  /** Lines skipped because their IP is in security.ignore. */
  ignored: number;
  elapsedMs: number;
}

export interface ScanOptions {
  files: readonly string[];
  format: FormatOption;
  security: SecurityConfig;
  /** Called for every detection, in file and line order. */
  onMatch(m: ScanMatch): void | Promise<void>;
  /** `--explain`: called for every line, in order, with what the detector made of it and the events it fired. */
  onLine?(row: ExplainRow, events: readonly SecurityEvent[]): void | Promise<void>;
}

const CHUNK = 1 << 20;

export function toMatch(e: SecurityEvent, file: string, lineNo: number): ScanMatch {
  return {
    at: e.at, kind: e.kind, app: e.app, source: e.source, line: e.line, ip: e.ip, user: e.user, rule: e.rule,
    severity: e.severity, message: e.message, count: e.count, file, lineNo,
  };
}

/** Runs detection over the files in order (one detector: thresholds and login history span files). */
export async function scanFiles(opts: ScanOptions): Promise<ScanSummary> {
  const started = performance.now();
  // A line without a time takes the previous timed line's (never the file's mtime, unless no line has one).
  const explain = opts.onLine;
  const detector = new Detector(opts.security, { carryTime: true, parseAll: explain !== undefined });
  const summary: ScanSummary = {
    files: 0, lines: 0, events: 0, byKind: {}, byRule: {}, input: detector.counters, ignored: 0, elapsedMs: 0,
  };
  for (const file of opts.files) {
    summary.files++;
    const mtime = (await stat(file)).mtimeMs;
    const logLine: LogLine = { app: 'scan', source: file, line: '', readAt: mtime };
    let lineNo = 0;
    const report = async (events: readonly SecurityEvent[], at: number): Promise<void> => {
      for (const e of events) {
        summary.events++;
        summary.byKind[e.kind] = (summary.byKind[e.kind] ?? 0) + 1;
        summary.byRule[e.rule] = (summary.byRule[e.rule] ?? 0) + 1;
        const r = opts.onMatch(toMatch(e, file, at));
        if (r !== undefined) await r;
      }
    };
    // Synchronous for the (usual) line without events: no promise per line.
    const handle = explain === undefined
      ? (text: string): Promise<void> | undefined => {
        lineNo++;
        logLine.line = text;
        const events = detector.inspect(logLine, opts.format);
        return events.length === 0 ? undefined : report(events, lineNo);
      }
      : (text: string): Promise<void> | undefined => {
        lineNo++;
        logLine.line = text;
        const ignored = detector.ignored;
        const events = detector.inspect(logLine, opts.format);
        const r = explain(explainLine(detector, opts.security, logLine, events, ignored, file, lineNo), events);
        const m = events.length === 0 ? undefined : report(events, lineNo);
        return r === undefined ? m : m === undefined ? r : Promise.all([r, m]).then(() => undefined);
      };
    await readLines(file, handle);
    summary.lines += lineNo;
  }
  summary.ignored = detector.ignored;
  summary.elapsedMs = Math.round(performance.now() - started);
  return summary;
}

/**
 * Calls `onLine` for each line (without its newline, a CR kept for the detector to count) of the
 * file, cut by the shared splitter: a line longer than 64 KB is cut while reading, so one endless
 * line cannot fill memory, and marked.
 */
export async function readLines(file: string, onLine: (line: string) => Promise<void> | undefined): Promise<void> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    const splitter = new LineSplitter();
    const lines: string[] = [];
    const sink: LineSink = (b, start, end, cut) => { lines.push(cut ? lineText(b, start, end, true) : b.toString('utf8', start, end)); };
    const hand = async (): Promise<void> => {
      for (const line of lines) {
        const r = onLine(line);
        if (r !== undefined) await r;
      }
      lines.length = 0;
    };
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      splitter.push(buf, bytesRead, sink);
      await hand();
    }
    splitter.flush(sink);
    await hand();
  } finally {
    await fh.close();
  }
}
