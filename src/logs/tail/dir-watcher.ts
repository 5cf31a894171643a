// Says "look now" when something may have changed in the watched directories; the source then
// lists and compares itself, so events only need to be timely, not exact. Patterns that look only
// into their own directory (the capture directory, /var/log/nginx/*.log) use fs.watch on it: one
// inotify watch, no stat or re-listing per event (chokidar re-lists the directory and stats every
// entry on each burst: 12 % of a core for one file written 200 times a second). Patterns that
// reach into subdirectories use chokidar, depth-limited and filtered, which follows directories
// as they come and go.
import { statSync, watch as watchDir, type FSWatcher as DirHandle, type Stats } from 'node:fs';
import { watch as watchTree, type FSWatcher as TreeWatcher } from 'chokidar';

/** What an inotify event named: a file of a watched directory, written (`change`) or created, deleted, renamed (`rename`). */
export interface DirChange {
  dir: string;
  name: string;
  kind: 'change' | 'rename';
}

export interface DirWatcherOptions {
  /** How deep below each directory matches can be (0: only the directory's own entries). */
  depth: number;
  /** chokidar's filter (paths that cannot match are not followed). */
  ignored(path: string, stats?: Stats): boolean;
  /** Something changed; `change` says what where the event named it (fs.watch does, chokidar's tree not here). */
  onChange(change?: DirChange): void;
  onError(err: Error, dir: string): void;
  /** A watched directory went away (deleted, renamed): watch it again once it exists. */
  onGone(dir: string): void;
}

export class DirWatcher {
  private readonly handles = new Map<string, { handle: DirHandle; ino: number }>();
  private tree: TreeWatcher | undefined;

  constructor(private readonly o: DirWatcherOptions) {}

  /** Starts watching `dirs`; resolves once events can arrive. */
  async add(dirs: string[]): Promise<void> {
    if (this.o.depth === 0) {
      for (const dir of dirs) this.watchOne(dir);
      return;
    }
    if (this.tree) { this.tree.add(dirs); return; }
    const tree = watchTree(dirs, {
      ignoreInitial: true,
      atomic: false, // its unlink+add merging only delays the news; the source compares inodes itself
      depth: this.o.depth,
      ignored: (path: string, stats?: Stats) => this.o.ignored(path, stats),
    });
    this.tree = tree;
    // 'raw' (the fs.watch events themselves) because chokidar throttles 'change' to one per 50 ms
    // per file, and a file may live shorter than that under delete+recreate rotation.
    tree.on('all', () => this.o.onChange());
    tree.on('raw', () => this.o.onChange());
    tree.on('error', (err) => this.o.onError(err as Error, dirs.join(', ')));
    await new Promise<void>((resolve) => tree.once('ready', resolve));
  }

  /** An inotify watch follows the directory's inode: one deleted or replaced since is watched afresh. */
  check(): void {
    for (const [dir, w] of this.handles) if (inode(dir) !== w.ino) this.gone(dir);
  }

  async close(): Promise<void> {
    for (const w of this.handles.values()) w.handle.close();
    this.handles.clear();
    await this.tree?.close();
  }

  private watchOne(dir: string): void {
    let handle: DirHandle;
    try {
      handle = watchDir(dir, { persistent: false }, (kind, name) => {
        this.o.onChange(name === null ? undefined : { dir, name: String(name), kind: kind === 'change' ? 'change' : 'rename' });
      });
    } catch (err) {
      this.o.onError(err as Error, dir);
      this.o.onGone(dir);
      return;
    }
    handle.on('error', () => this.gone(dir));
    this.handles.set(dir, { handle, ino: inode(dir) });
  }

  private gone(dir: string): void {
    const w = this.handles.get(dir);
    if (!w) return;
    this.handles.delete(dir);
    w.handle.close();
    this.o.onGone(dir);
    this.o.onChange();
  }
}

function inode(dir: string): number {
  try { return statSync(dir).ino; } catch { return -1; }
}
