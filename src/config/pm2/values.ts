// PM2's value spellings -> bulwark's: string args split like a shell, durations and sizes kept
// human ("10s", "200MB") so an imported bulwark.yml reads like one written by hand.
import { parseSize } from '../../common/units.js';

/** PM2 splits a string `args` like a shell would (whitespace, with '' and "" quoting). */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let inWord = false;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = ''; else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch; inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) { out.push(cur); cur = ''; inWord = false; }
    } else {
      cur += ch; inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

export function isPositive(v: unknown): boolean {
  return (typeof v === 'number' && v > 0) || (typeof v === 'string' && v.trim() !== '' && v.trim() !== '0');
}

/** PM2 durations are ms numbers or "10s"/"5m"/"1h" strings; keep them human in the YAML. */
export function duration(v: unknown): unknown {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v % 1000 === 0 && v > 0 ? `${v / 1000}s` : `${v}ms`;
  return v;
}

/** PM2 sizes are bytes or "200M"/"1G"/"512K"; write them as bulwark sizes. */
export function size(v: unknown): unknown {
  if (typeof v !== 'string' && typeof v !== 'number') return v;
  const bytes = parseSize(v);
  if (bytes === undefined) return v;
  for (const [unit, n] of [['GB', 1024 ** 3], ['MB', 1024 ** 2], ['KB', 1024]] as const) {
    if (bytes >= n && bytes % n === 0) return `${bytes / n}${unit}`;
  }
  return bytes;
}
