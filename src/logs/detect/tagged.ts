// `security.tags`: the app marks an entry as malicious itself (e.g. {"category":"malicious-traffic"}).
// Fields are matched by name at any depth; values case-insensitively, as a string or inside an array.

const MAX_DEPTH = 8;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class TagMatcher {
  private readonly fields: Set<string>;
  private readonly values: Set<string>;
  /** Raw-line gate: no tag value in the text, no need to walk the object. */
  private readonly gate: RegExp | null;

  constructor(fields: readonly string[], values: readonly string[]) {
    this.fields = new Set(fields);
    this.values = new Set(values.map((v) => v.toLowerCase()));
    // A value that contains another ("malicious-traffic", "malicious") needs no alternative of its own in the gate.
    const lower = [...this.values];
    const needed = lower.filter((v) => !lower.some((w) => w !== v && v.includes(w)));
    this.gate = needed.length === 0 || fields.length === 0 ? null : new RegExp(needed.map(escapeRegExp).join('|'), 'i');
  }

  /** False when no tag value appears in the raw line: then no object parsed from it is tagged. */
  mayMatch(line: string): boolean {
    return this.gate !== null && this.gate.test(line);
  }

  /** True when `key: value` (a string member anywhere in the object) is a tag. */
  tags(key: string, value: string): boolean {
    return this.fields.has(key) && this.values.has(value.toLowerCase());
  }

  /** The "field=value" that tags this object, or null. `line` is its raw text (for the gate). */
  match(line: string, json: Record<string, unknown>): string | null {
    if (!this.mayMatch(line)) return null;
    return this.walk(json, 0);
  }

  private walk(o: Record<string, unknown>, depth: number): string | null {
    for (const key in o) {
      const v = o[key];
      if (this.fields.has(key)) {
        const hit = this.valueHit(v);
        if (hit !== null) return `${key}=${hit}`;
      }
      if (depth < MAX_DEPTH && typeof v === 'object' && v !== null) {
        if (Array.isArray(v)) {
          for (const item of v) {
            if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
              const hit = this.walk(item as Record<string, unknown>, depth + 1);
              if (hit !== null) return hit;
            }
          }
        } else {
          const hit = this.walk(v as Record<string, unknown>, depth + 1);
          if (hit !== null) return hit;
        }
      }
    }
    return null;
  }

  private valueHit(v: unknown): string | null {
    if (typeof v === 'string') return this.values.has(v.toLowerCase()) ? v : null;
    if (Array.isArray(v)) {
      for (const item of v) if (typeof item === 'string' && this.values.has(item.toLowerCase())) return item;
    }
    return null;
  }
}
