// `bulwark scan`: the detection pipeline run offline over files, like fail2ban-regex.
// Streams each file in large chunks and hands output back in large chunks; nothing holds the whole file.
import { isAscii } from 'node:buffer';
import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { SecurityConfig } from '../config/schema/index.js';
import type { LogLine, SecurityEvent } from '../events/types.js';
import { Detector } from './detect/detector.js';
import { explainLine, type ExplainRow } from './explain.js';
import type { FormatOption } from './parse/index.js';
import { MAX_LINE_CHARS, type InputCounters } from './parse/hostile.js';

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
/** Text is decoded this many bytes at a time: young-generation strings, collected cheaply. */
const PIECE = 64 * 1024;

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

/** True when the last bytes of `b` start a UTF-8 character that continues in the next chunk. */
function endsMidCharacter(b: Buffer): boolean {
  for (let back = 1; back <= 3 && back <= b.length; back++) {
    const byte = b[b.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back;
  }
  return false;
}

/**
 * Calls `onLine` for each line (without its newline) of the file. A line longer than MAX_LINE_CHARS
 * is cut while reading, so one endless line cannot fill memory; the detector marks it truncated.
 */
export async function readLines(file: string, onLine: (line: string) => Promise<void> | undefined): Promise<void> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    const decoder = new StringDecoder('utf8');
    // Log files are mostly ASCII: such a piece is copied as Latin-1 (several times cheaper than UTF-8
    // decoding), unless the decoder still holds the start of a character split by the last piece.
    let decoderHolds = false;
    let carry = '';
    let overflow = false;
    const lines = async (bytes: Buffer): Promise<void> => {
      let text: string;
      if (!decoderHolds && isAscii(bytes)) text = bytes.toString('latin1');
      else {
        text = decoder.write(bytes);
        decoderHolds = endsMidCharacter(bytes);
      }
      let start = 0;
      let nl = text.indexOf('\n');
      while (nl >= 0) {
        const piece = text.slice(start, nl);
        if (carry.length > 0) {
          const line = overflow ? carry : carry + piece;
          carry = '';
          overflow = false;
          const r = onLine(line);
          if (r !== undefined) await r;
        } else {
          const r = onLine(piece);
          if (r !== undefined) await r;
        }
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      if (start < text.length && !overflow) {
        carry += text.slice(start);
        if (carry.length > MAX_LINE_CHARS) {
          carry = carry.slice(0, MAX_LINE_CHARS + 1); // one char over: the detector truncates and counts it
          overflow = true;
        }
      }
    };
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      // Text is made a piece of whole lines (where there is a newline) at a time: a string of the
      // whole chunk would be a large object, and each one a full garbage collection later.
      for (let from = 0; from < bytesRead;) {
        let to = Math.min(from + PIECE, bytesRead);
        if (to < bytesRead) {
          const nl = buf.subarray(from, to).lastIndexOf(10);
          if (nl >= 0) to = from + nl + 1;
        }
        await lines(buf.subarray(from, to));
        from = to;
      }
    }
    const rest = carry + (overflow ? '' : decoder.end());
    if (rest.length > 0) await onLine(rest);
  } finally {
    await fh.close();
  }
}
