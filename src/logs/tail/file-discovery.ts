// Which files the patterns match now, by identity (device and inode), and the directory watches
// that say when to look again. A directory that does not exist yet is watched once it appears
// (each full pass asks); the watcher ignores everything no pattern can match.
import { statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { DirWatcher, type DirChange } from './dir-watcher.js';
import { TailError } from './errors.js';
import { listMatches, matchesPattern, mayContainMatches, type FilePattern } from './glob.js';

/** A file as the directory listing saw it. */
export interface Listed {
  /** `dev:ino`: its identity, the listing's key and its followed file's. */
  key: string;
  path: string;
  size: number;
  dev: string;
  ino: string;
  /** Modification time in ns (with size: "did it change since we last read it?"). */
  mtimeNs: bigint;
}

export interface FileDiscoveryOptions {
  patterns: FilePattern[];
  /** false: no watches (file systems without inotify); the caller's poll finds everything. */
  watch: boolean;
  onChange(change: DirChange | undefined): void;
  onError(err: TailError): void;
}

export class FileDiscovery {
  private readonly watchDirs: string[];
  private watcher: DirWatcher | undefined;
  private readonly watchedDirs = new Set<string>();

  constructor(private readonly o: FileDiscoveryOptions) {
    this.watchDirs = [...new Set(o.patterns.map((p) => p.watchDir))];
  }

  /** The regular files matching the patterns, by `dev:ino` (a file under two names is listed once). */
  list(): Map<string, Listed> {
    const paths = new Set<string>();
    for (const p of this.o.patterns) listMatches(p, paths);
    const listing = new Map<string, Listed>();
    for (const path of paths) {
      let st;
      try { st = statSync(path, { bigint: true }); } catch { continue; } // gone since the listing
      if (!st.isFile()) continue;
      const dev = String(st.dev), ino = String(st.ino);
      const key = `${dev}:${ino}`;
      if (!listing.has(key)) listing.set(key, { key, path, size: Number(st.size), dev, ino, mtimeNs: st.mtimeNs });
    }
    return listing;
  }

  /** Watches the pattern directories that exist now and are not watched yet; waitReady: resolves once the watches are set. */
  async watchNewDirs(waitReady: boolean): Promise<void> {
    if (!this.o.watch) return;
    this.watcher?.check();
    const fresh = this.watchDirs.filter((d) => !this.watchedDirs.has(d) && isDirectory(d));
    if (fresh.length === 0) return;
    for (const d of fresh) this.watchedDirs.add(d);
    this.watcher ??= new DirWatcher({
      depth: Math.max(...this.o.patterns.map((p) => p.depth)),
      ignored: (path, stats) => this.ignored(path, stats),
      onChange: (change) => this.o.onChange(change),
      onError: (err, dir) => this.o.onError(new TailError('ETAIL_WATCH', `watching ${dir} failed (polling continues): ${err.message}`, undefined, { cause: err })),
      onGone: (dir) => this.watchedDirs.delete(dir),
    });
    const ready = this.watcher.add(fresh);
    if (waitReady) await ready;
  }

  async close(): Promise<void> {
    await this.watcher?.close();
  }

  private ignored(path: string, stats?: Stats): boolean {
    if (this.watchedDirs.has(path)) return false;
    if (stats?.isFile()) return !this.o.patterns.some((p) => matchesPattern(p, path));
    if (stats?.isDirectory()) return !this.o.patterns.some((p) => mayContainMatches(p, path));
    return !this.o.patterns.some((p) => matchesPattern(p, path) || mayContainMatches(p, path));
  }
}

function isDirectory(path: string): boolean {
  try { return statSync(path).isDirectory(); } catch { return false; }
}
