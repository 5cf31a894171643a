// Plain-text tables and cells for terminal output (no colours, so output is stable when piped).
import { escapeText } from '../common/escape.js';
import { formatBytes, formatDuration } from '../common/units.js';

/**
 * Every cell goes through escapeText: a value cannot add a row, move the cursor or reorder the line.
 * `widths`: columns at least this wide; updated in place (a table printed in blocks stays aligned).
 */
export function renderTable(head: string[], rows: (string | number)[][], widths: number[] = []): string {
  const cells = [head, ...rows.map((r) => r.map((c) => escapeText(String(c))))];
  head.forEach((_, i) => { widths[i] = Math.max(widths[i] ?? 0, ...cells.map((r) => (r[i] ?? '').length)); });
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

export const bytes = (n: number | null): string => (n === null ? '-' : formatBytes(n));
export const duration = (ms: number | null): string => (ms === null || ms <= 0 ? '-' : formatDuration(ms));
export const percent = (n: number | null): string => (n === null ? '-' : `${n.toFixed(1)}%`);
