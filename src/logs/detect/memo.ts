// Bounded verdict memos for the per-line path: logs repeat the same few thousand targets, agents,
// referers, cookies and header sets.

/**
 * A copy of `s` that holds no reference to the text it was cut from. A string sliced from a line is a
 * view of the line (and the line of the 64 KB piece read from the file): kept as a memo key it would
 * keep all of that alive.
 */
export function detached(s: string): string {
  return (` ${s}`).slice(1);
}

/** Verdicts by key; forgets everything when full (cheaper than tracking use, and the working set refills at once). */
export class Memo<V> {
  private map = new Map<string, V>();

  /** `compute` is bound once here: a closure per lookup would be garbage per line. */
  constructor(private readonly compute: (k: string) => V, private readonly size: number, private readonly maxKey = 512) {}

  get(key: string): V {
    if (key.length > this.maxKey) return this.compute(key);
    let v = this.map.get(key);
    if (v === undefined) {
      v = this.compute(key);
      if (this.map.size >= this.size) this.map = new Map();
      this.map.set(detached(key), v);
    }
    return v;
  }
}
