// Restart on file changes (`watch`): chokidar on the paths (relative to the app's cwd), the ignore
// list matched as path segments ("node_modules", "*.log", ".*") or as paths below cwd ("dist/cache",
// "themes/*/public", "logs/**"), `*` `?` `**` as in a shell, and a debounce so a
// burst of changes (a checkout, a build) gives one restart, `debounce` after the last change.
// chokidar is loaded on first use: a daemon without watch apps does not pay its memory.
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { captureCopies } from '../common/capture-files.js';
import { matchSegment } from '../logs/tail/glob.js';
import type { FSWatcher } from 'chokidar';
import type { AppConfig } from '../config/schema/index.js';

type WatchSettings = NonNullable<AppConfig['watch']>;

export class WatchRestart {
  private readonly watcher: FSWatcher;
  private timer: NodeJS.Timeout | undefined;
  private changes = 0;
  private lastPath = '';
  /** Resolves once the initial scan is done: changes after this are seen. */
  readonly ready: Promise<void>;

  static async create(settings: WatchSettings, cwd: string, onChange: (reason: string) => void): Promise<WatchRestart> {
    const { watch } = await import('chokidar');
    return new WatchRestart(settings, cwd, onChange, watch);
  }

  /** Watches an app's files, but never the log copies bulwark writes there, nor their rotations:
   * the supervisor's own writes do not restart the app. (PM2 restarts on every line when out_file
   * lies in a watched folder that ignore_watch does not cover; docs/pm2.md.) */
  static forApp(app: AppConfig, settings: WatchSettings, onChange: (reason: string) => void): Promise<WatchRestart> {
    const cwd = resolve(app.cwd ?? process.cwd());
    const own = ownLogFiles(app, cwd);
    // Their folders exist before the initial scan (which reports nothing it finds), so creating them is no change.
    for (const p of own) {
      try { mkdirSync(dirname(p), { recursive: true, mode: 0o700 }); } catch { /* reported when the copy opens */ }
    }
    return WatchRestart.create({ ...settings, ignore: [...settings.ignore, ...own.flatMap((p) => [p, `${p}.*`])] }, cwd, onChange);
  }

  private constructor(settings: WatchSettings, cwd: string, onChange: (reason: string) => void, watch: typeof import('chokidar').watch) {
    const ignored = ignoreMatcher(settings.ignore, cwd);
    this.watcher = watch(settings.paths.map((p) => resolve(cwd, p)), { ignoreInitial: true, ignored });
    this.ready = new Promise((res) => this.watcher.once('ready', () => res()));
    this.watcher.on('error', () => {}); // e.g. EACCES on one subfolder; the rest keeps working
    this.watcher.on('all', (_event, path) => {
      this.changes++;
      this.lastPath = path;
      if (this.timer === undefined) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          const n = this.changes;
          this.changes = 0;
          onChange(n === 1 ? `${this.lastPath} changed` : `${n} changes, last ${this.lastPath}`);
        }, settings.debounce);
        this.timer.unref();
      } else {
        this.timer.refresh();
      }
    });
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    await this.watcher.close();
  }
}

/** The log copies bulwark itself writes in the app's tree (logs.copyTo: PM2's out_file & co.). */
function ownLogFiles(app: AppConfig, cwd: string): string[] {
  const copies = captureCopies(app.logs.copyTo, cwd, { out: '', err: '' });
  return [...new Set([...copies.out, ...copies.err])];
}

/** One predicate for the ignore list: a pattern without a slash matches any segment; one with a slash matches from cwd (or /) down. */
export function ignoreMatcher(patterns: readonly string[], cwd: string): (path: string) => boolean {
  const anySegment = patterns.filter((p) => !p.replace(/\/+$/, '').includes('/')).map((p) => p.replace(/\/+$/, ''));
  const rooted = patterns.filter((p) => p.replace(/\/+$/, '').includes('/'))
    .map((p) => relative(cwd, isAbsolute(p) ? p : resolve(cwd, p)).split(sep));
  return (path) => {
    const rel = relative(cwd, path);
    if (rel === '') return false; // the watched root itself
    const parts = rel.split(sep);
    return parts.some((part) => anySegment.some((p) => matchSegment(part, p))) || rooted.some((segs) => prefixMatch(parts, 0, segs, 0));
  };
}

/** Do the leading parts match segs (a match of every seg ignores everything below it)? */
function prefixMatch(parts: readonly string[], i: number, segs: readonly string[], j: number): boolean {
  if (j === segs.length) return true;
  if (segs[j] === '**') return prefixMatch(parts, i, segs, j + 1) || (i < parts.length && prefixMatch(parts, i + 1, segs, j));
  return i < parts.length && matchSegment(parts[i]!, segs[j]!) && prefixMatch(parts, i + 1, segs, j + 1);
}
