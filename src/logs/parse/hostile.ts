// Input that is not a well-behaved log line: counted, made safe, never fatal.

/** Lines longer than this are cut (SPEC: 64 KB) and marked (readers already cut at 64 KB bytes: common/line-splitter.ts). */
export const MAX_LINE_CHARS = 64 * 1024;
import { TRUNCATION_MARKER } from '../../common/line-splitter.js';

export { TRUNCATION_MARKER };
/**
 * The most of a line a security event carries (history keeps thousands of events, and attackers
 * choose line lengths); RFC 5424 receivers SHOULD accept 8 KB messages. Detection sees the whole line.
 */
export const MAX_EVENT_LINE_CHARS = 8 * 1024;

/** The line as an event quotes it: at most MAX_EVENT_LINE_CHARS (+ marker). */
export function eventLine(s: string): string {
  return s.length > MAX_EVENT_LINE_CHARS ? s.slice(0, MAX_EVENT_LINE_CHARS) + TRUNCATION_MARKER : s;
}

export interface InputCounters {
  lines: number;
  truncated: number;
  /** Lines containing U+FFFD: bytes that were not valid UTF-8 (the decoder replaced them). */
  invalidUtf8: number;
  nul: number;
  /** Lines with other control characters (binary junk). */
  binary: number;
  crlf: number;
}

export function newInputCounters(): InputCounters {
  return { lines: 0, truncated: 0, invalidUtf8: 0, nul: 0, binary: 0, crlf: 0 };
}

/** Process-wide totals (the daemon shows them in `status`). */
const totals = newInputCounters();

/** A copy of the process-wide hostile-input counters. */
export function hostileInputCounters(): InputCounters {
  return { ...totals };
}

/**
 * Returns the line as detection should see it: no trailing CR, NUL removed, at most MAX_LINE_CHARS
 * (+ marker). Counts each kind of trouble once per line in `counters` and in the process totals.
 * Other control characters are counted by countBinary, after parsing: a line that parsed as JSON
 * cannot hold any, so the (comparatively costly) scan runs only on the rest.
 */
export function sanitiseLine(line: string, counters: InputCounters): string {
  counters.lines++;
  totals.lines++;
  let s = line;
  if (s.length > MAX_LINE_CHARS) {
    s = s.slice(0, MAX_LINE_CHARS) + TRUNCATION_MARKER;
    counters.truncated++;
    totals.truncated++;
  }
  if (s.length > 0 && s.charCodeAt(s.length - 1) === 13) {
    s = s.slice(0, -1);
    counters.crlf++;
    totals.crlf++;
  }
  if (s.indexOf('\ufffd') >= 0) {
    counters.invalidUtf8++;
    totals.invalidUtf8++;
  }
  if (s.indexOf('\u0000') >= 0) {
    counters.nul++;
    totals.nul++;
    s = s.replace(/\u0000/g, '');
  }
  return s;
}

const CONTROL = /[\u0001-\u0008\u000b-\u001f\u007f]/;

/** Counts a (non-JSON) line holding control characters other than tab: binary junk. */
export function countBinary(line: string, counters: InputCounters): void {
  if (CONTROL.test(line)) {
    counters.binary++;
    totals.binary++;
  }
}
