// Human units used across the config: durations ("500ms", "10s", "5m") and sizes ("512MB").

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$/i;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds for "500ms", "10s", "5m", "1h", "2d", "1w" or a bare number of ms; undefined if malformed. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = DURATION.exec(value.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * DURATION_MS[(m[2] ?? 'ms').toLowerCase()]!);
}

// Binary multiples, as PM2's max_memory_restart ("200M") and most operators read them.
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i;
const SIZE_BYTES: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Bytes for "512MB", "10mb", "1G", "100KB" or a bare number of bytes; undefined if malformed. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  const m = SIZE.exec(value.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * SIZE_BYTES[(m[2] ?? 'b')[0]!.toLowerCase()]!);
}

/** "95%" or 95 -> 95; undefined if malformed. */
export function parsePercent(value: string | number): number | undefined {
  const n = typeof value === 'number' ? value : /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(value)?.[1];
  const v = Number(n);
  return n === undefined || !Number.isFinite(v) || v < 0 ? undefined : v;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600)}h`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n}B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)}KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)}MB`;
  return `${(n / 1024 ** 3).toFixed(2)}GB`;
}
