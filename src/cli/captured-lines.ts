// Reading capture files for `logs`: the last lines of a file with their offsets, and each line as
// printed (text with an optional time and prefix, or one JSON object), escaped for the terminal.
import { closeSync, fstatSync, readSync } from 'node:fs';
import { openOwnFile } from '../common/private-file.js';
import type { CaptureStream } from '../common/capture-files.js';
import type { CaptureTimes } from '../supervisor/capture-times.js';
import { terminalJson, terminalSafe } from './terminal-text.js';

export interface LineFormat { json?: boolean; timestamps?: boolean; raw?: boolean }

export interface CaptureSource { app: string; stream: CaptureStream; path: string; times: CaptureTimes | null }

const STREAM_NAME = { out: 'stdout', err: 'stderr' } as const;

/** One printed line; `time` is when the daemon read it (null where the file has no time index). */
export function formatLine(src: CaptureSource, line: string, offset: number, fmt: LineFormat): string {
  const at = src.times?.timeAt(offset) ?? null;
  const time = at === null ? null : new Date(at).toISOString();
  if (fmt.json) return terminalJson({ time, app: src.app, stream: STREAM_NAME[src.stream], line });
  const prefix = `${fmt.timestamps ? `${time ?? '-'} ` : ''}${fmt.raw ? '' : `${src.app}|${src.stream} `}`;
  return prefix + terminalSafe(line);
}

/** Splits whole lines (text ending in \n) that start at file offset `start`; calls fn with each line's offset. */
export function eachLine(text: string, start: number, fn: (line: string, offset: number) => void): void {
  let offset = start;
  let from = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
    const line = text.slice(from, nl);
    fn(line, offset);
    offset += Buffer.byteLength(line) + 1;
    from = nl + 1;
  }
}

/** The last n lines of a file with the offset of each, reading backwards from the end in blocks. */
export function lastLines(path: string, n: number): { lines: { text: string; offset: number }[]; size: number } {
  const fd = openOwnFile(path, 'read'); // never through a link planted in the home
  try {
    const size = fstatSync(fd).size;
    if (n <= 0) return { lines: [], size };
    let pos = size;
    let acc = Buffer.alloc(0);
    let newlines = 0;
    while (pos > 0 && newlines <= n) {
      const len = Math.min(64 * 1024, pos);
      pos -= len;
      const chunk = Buffer.alloc(len);
      readSync(fd, chunk, 0, len, pos);
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) newlines++;
      acc = Buffer.concat([chunk, acc]);
    }
    // Drop a partial first line (when we stopped mid-file) and a last line still being written.
    let from = 0;
    if (pos > 0) from = acc.indexOf(10) + 1;
    const end = acc.lastIndexOf(10) + 1;
    const lines: { text: string; offset: number }[] = [];
    eachLine(acc.toString('utf8', from, Math.max(from, end)), pos + from, (text, offset) => lines.push({ text, offset }));
    return { lines: lines.slice(-n), size: pos + Math.max(from, end) };
  } finally {
    closeSync(fd);
  }
}
