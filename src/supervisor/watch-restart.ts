// Restart on file changes (`watch`): chokidar on the paths (relative to the app's cwd), the ignore
// list matched as path segments ("node_modules") or as paths ("dist/cache"), and a debounce so a
// burst of changes (a checkout, a build) gives one restart, `debounce` after the last change.
// chokidar is loaded on first use: a daemon without watch apps does not pay its memory.
import { isAbsolute, relative, resolve, sep } from 'node:path';
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

  private constructor(settings: WatchSettings, cwd: string, onChange: (reason: string) => void, watch: typeof import('chokidar').watch) {
    const segments = new Set(settings.ignore.filter((i) => !i.includes('/')));
    const prefixes = settings.ignore.filter((i) => i.includes('/')).map((i) => (isAbsolute(i) ? i : resolve(cwd, i)));
    const ignored = (p: string): boolean =>
      prefixes.some((x) => p === x || p.startsWith(x + sep)) || relative(cwd, p).split(sep).some((s) => segments.has(s));
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
