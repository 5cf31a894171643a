// A small, safe glob for `logs.tail` (Node 20 has no fs.glob): `*` and `?` within one path
// segment, `**` for any number of directories. No regex: segments are matched by a linear
// two-pointer wildcard match, so a hostile name cannot cause backtracking blow-ups.
// Like a shell, `*` and `?` do not match a leading dot and `**` does not enter dot directories.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { TailError } from './errors.js';

/** `**` is followed at most this deep, so a pattern rooted high up cannot walk a whole disk. */
const MAX_RECURSION = 8;

export interface FilePattern {
  /** The pattern as resolved against cwd. */
  source: string;
  /** The directory to watch: the longest wildcard-free prefix (the parent dir for a plain path). */
  watchDir: string;
  /** Segments below watchDir; for a plain path this is just the file name. */
  segments: string[];
  recursive: boolean;
  /** chokidar depth below watchDir (undefined = MAX_RECURSION). */
  depth: number;
}

const hasWildcard = (s: string): boolean => s.includes('*') || s.includes('?');

export function compilePattern(pattern: string, cwd: string): FilePattern {
  if (typeof pattern !== 'string' || pattern.trim() === '') {
    throw new TailError('ETAIL_OPTIONS', `logs.tail pattern must be a non-empty path or glob, got ${JSON.stringify(pattern)}`);
  }
  const source = resolve(cwd, pattern);
  const parts = source.split(sep);
  let first = parts.findIndex(hasWildcard);
  if (first === -1) first = parts.length - 1; // plain path: watch its parent for that one name
  const segments = parts.slice(first);
  for (const s of segments) {
    if (s.includes('**') && s !== '**') {
      throw new TailError('ETAIL_OPTIONS', `"**" must be a whole path segment in ${JSON.stringify(pattern)} (e.g. logs/**/*.log)`);
    }
  }
  if (segments[segments.length - 1] === '**') {
    throw new TailError('ETAIL_OPTIONS', `pattern ${JSON.stringify(pattern)} ends in "**": name the files too (e.g. logs/**/*.log)`);
  }
  const watchDir = parts.slice(0, first).join(sep) || sep;
  const recursive = segments.includes('**');
  return { source, watchDir, segments, recursive, depth: recursive ? MAX_RECURSION : segments.length - 1 };
}

/** Wildcard match of one path segment: `*` any run, `?` one character. Linear-time greedy with one backtrack point. */
export function matchSegment(name: string, seg: string): boolean {
  if (name.charCodeAt(0) === 46 /* . */ && seg.charCodeAt(0) !== 46) return false;
  let n = 0, s = 0, star = -1, mark = 0;
  while (n < name.length) {
    const c = seg.charCodeAt(s);
    if (s < seg.length && (c === 63 /* ? */ || c === name.charCodeAt(n))) { n++; s++; }
    else if (s < seg.length && c === 42 /* * */) { star = s++; mark = n; }
    else if (star !== -1) { s = star + 1; n = ++mark; }
    else return false;
  }
  while (s < seg.length && seg.charCodeAt(s) === 42) s++;
  return s === seg.length;
}

function matchFrom(rel: readonly string[], i: number, segs: readonly string[], j: number): boolean {
  if (j === segs.length) return i === rel.length;
  if (segs[j] === '**') {
    for (let k = i; k <= rel.length; k++) {
      if (k > i && rel[k - 1]!.startsWith('.')) return false;
      if (matchFrom(rel, k, segs, j + 1)) return true;
    }
    return false;
  }
  return i < rel.length && matchSegment(rel[i]!, segs[j]!) && matchFrom(rel, i + 1, segs, j + 1);
}

function relativeParts(p: FilePattern, path: string): string[] | undefined {
  const prefix = p.watchDir.endsWith(sep) ? p.watchDir : p.watchDir + sep;
  if (!path.startsWith(prefix)) return undefined;
  return path.slice(prefix.length).split(sep);
}

/** Does this absolute file path match the pattern? */
export function matchesPattern(p: FilePattern, path: string): boolean {
  const rel = relativeParts(p, path);
  return rel !== undefined && matchFrom(rel, 0, p.segments, 0);
}

/** Could a file matching the pattern live somewhere below this directory? (for the watcher filter) */
export function mayContainMatches(p: FilePattern, dir: string): boolean {
  if (dir === p.watchDir) return true;
  const rel = relativeParts(p, dir);
  if (rel === undefined || rel.length > p.depth) return false;
  if (p.recursive) return !rel.some((r) => r.startsWith('.'));
  for (let i = 0; i < rel.length; i++) if (!matchSegment(rel[i]!, p.segments[i]!)) return false;
  return rel.length < p.segments.length;
}

/** Every regular file currently matching the pattern (symlinked directories are not followed). */
export function listMatches(p: FilePattern, out: Set<string>): void {
  if (!hasWildcard(p.source)) {
    try { if (statSync(p.source).isFile()) out.add(p.source); } catch { /* not there yet */ }
    return;
  }
  walk(p.watchDir, p.segments, 0, 0, out);
}

function walk(dir: string, segs: readonly string[], j: number, depth: number, out: Set<string>): void {
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
  const seg = segs[j]!;
  const last = j === segs.length - 1;
  for (const e of entries) {
    const path = join(dir, e.name);
    if (seg === '**') {
      // `**` matches zero directories here (try the next segment) or this directory (stay on `**`).
      if (e.isDirectory() && !e.name.startsWith('.') && depth < MAX_RECURSION) walk(path, segs, j, depth + 1, out);
      continue;
    }
    if (!matchSegment(e.name, seg)) continue;
    if (last) {
      if (e.isFile() || (e.isSymbolicLink() && isFileFollowingLinks(path))) out.add(path);
    } else if (e.isDirectory()) {
      walk(path, segs, j + 1, depth + 1, out);
    }
  }
  if (seg === '**') walk(dir, segs, j + 1, depth, out);
}

function isFileFollowingLinks(path: string): boolean {
  try { return statSync(path).isFile(); } catch { return false; }
}
