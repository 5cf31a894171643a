// Syslog severities (RFC 5424 §6.2.1) for bulwark's events and raw lines.
import type { BulwarkEvent, LogLine } from '../../events/types.js';

const SECURITY: Record<string, number> = { critical: 2, high: 3, medium: 4, low: 5 };
const LIFECYCLE_ERR = new Set(['crash', 'hang', 'errored', 'memory', 'cpu', 'health']);

export function eventSeverity(e: BulwarkEvent): number {
  switch (e.type) {
    case 'security': return SECURITY[e.severity] ?? 4;
    case 'lifecycle': return LIFECYCLE_ERR.has(e.kind) ? 3 : 6;
    case 'alert': return e.kind === 'alert.sent' ? 4 : 3;
    case 'forward': return e.kind === 'forward.up' ? 5 : 4;
    case 'ban': return e.kind === 'ban.error' || e.kind === 'ban.storm' ? 3 : e.kind === 'ban' ? 4 : 5;
    case 'daemon': return 5;
  }
}

/** stderr lines are warnings, everything else informational. */
export function lineSeverity(l: LogLine): number {
  return l.source === 'stderr' ? 4 : 6;
}

/** PRI value: facility × 8 + severity (0..191). */
export function pri(facility: number, severity: number): number {
  return facility * 8 + severity;
}
