// The benches' order statistics: medians, percentiles and ratios that tolerate a missing side.

export function median(xs: number[]): number { return pct(xs, 50); }

/** The median as statistics defines it (the mean of the two middle values of an even count): nearest rank would take the lower one. */
export function middle(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
}

export function pct(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b) || b === 0 ? undefined : a / b;
}
