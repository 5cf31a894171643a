// `scan --explain`: what bulwark made of each line (how users tune, and what the peer-suite tests read).
import type { SecurityConfig } from '../config/schema/index.js';
import type { LogLine, SecurityEvent } from '../events/types.js';
import type { Detector } from './detect/detector.js';
import { loginOutcome } from './detect/auth-events.js';
import { AuthOutcome, type LineFormat } from './parse/index.js';

export type Signal = 'auth-failure' | 'auth-success' | 'request' | null;

/** One input line as `scan --explain --json` prints it (SPEC shape). */
export interface ExplainRow {
  file: string;
  /** 1-based. */
  lineNo: number;
  format: LineFormat;
  /** ISO time the detector used for the line (its own, else the previous timed line's). */
  at: string | null;
  ip: string | null;
  user: string | null;
  signal: Signal;
  /** Detection kinds the line fed: kinds of events it fired, and the windows it counted toward. */
  kinds: string[];
}

/** Totals for the text summary (fail2ban-regex style). */
export interface ExplainSummary {
  lines: number;
  byFormat: Record<string, number>;
  bySignal: Record<string, number>;
  byRule: Record<string, number>;
  /** Lines with no signal and no kind, per format. */
  missedByFormat: Record<string, number>;
}

export function newExplainSummary(): ExplainSummary {
  return { lines: 0, byFormat: {}, bySignal: {}, byRule: {}, missedByFormat: {} };
}

/**
 * Describes the line the detector just inspected. `ignoredBefore` is `detector.ignored` before the
 * call: an allow-listed line feeds nothing.
 */
export function explainLine(detector: Detector, security: SecurityConfig, line: LogLine, events: readonly SecurityEvent[],
  ignoredBefore: number, file: string, lineNo: number): ExplainRow {
  const p = detector.lastParsed;
  if (p === null) {
    // Only the JSON prefilter skips parsing, and explain turns it off; kept total for safety.
    return { file, lineNo, format: 'json', at: null, ip: null, user: null, signal: null, kinds: events.map((e) => e.kind) };
  }
  const outcome = loginOutcome(p);
  const signal: Signal = outcome === AuthOutcome.Failure ? 'auth-failure' : outcome === AuthOutcome.Success ? 'auth-success'
    : p.url !== null ? 'request' : null;
  const kinds = new Set<string>(events.map((e) => e.kind));
  const counted = detector.ignored === ignoredBefore && security.rules === 'default';
  if (counted && outcome === AuthOutcome.Failure && (p.ip !== null || p.user !== null)) {
    kinds.add('brute-force');
    if (p.ip !== null && p.user !== null) kinds.add('credential-stuffing');
  }
  if (counted && outcome === AuthOutcome.Success && security.newIpLogin && p.ip !== null && p.user !== null) kinds.add('new-ip-login');
  const t = detector.timeOf(p, line);
  return {
    file, lineNo, format: p.format, at: Number.isFinite(t) ? new Date(t).toISOString() : null,
    ip: p.ip, user: p.user, signal, kinds: [...kinds],
  };
}

export function addToSummary(s: ExplainSummary, row: ExplainRow, events: readonly SecurityEvent[]): void {
  s.lines++;
  s.byFormat[row.format] = (s.byFormat[row.format] ?? 0) + 1;
  const signal = row.signal ?? 'none';
  s.bySignal[signal] = (s.bySignal[signal] ?? 0) + 1;
  for (const e of events) s.byRule[e.rule] = (s.byRule[e.rule] ?? 0) + 1;
  if (row.signal === null && row.kinds.length === 0) s.missedByFormat[row.format] = (s.missedByFormat[row.format] ?? 0) + 1;
}
