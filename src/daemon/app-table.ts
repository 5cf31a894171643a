// What the daemon runs, persisted so it can come back:
// - state/apps.json: the table `bulwark save` wrote; resurrected when the daemon starts cleanly (boot).
// - state/current.json: the live table, rewritten on every change and removed on a clean shutdown;
//   if it is still there at start, the last daemon died (SIGKILL, OOM), and it is restored instead,
//   so a crashed daemon brings back exactly what was running.
// Both hold validated configs (env values included, so the files are 0600 in the 0700 home). Each
// also records which file owns what (config-owners.ts); a table written before owners existed
// comes back as one source. A table is restored only if it is this user's own 0600 file (never
// through a symlink) and what it would run validates again: a planted or damaged table is refused.
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { BulwarkConfig } from '../config/schema/index.js';
import { writeFileAtomic } from '../common/atomic-file.js';
import { mergeOwners, sourceOf, withoutApp, type Owners } from './config-owners.js';
import { readPrivateFile } from '../common/private-file.js';
import { appliedConfig, describeIssues } from './requests.js';

/** Bumped when the stored config's shape changes; an older table is refused, not misread. */
const TABLE_VERSION = 1;

export interface AppTable {
  version: number;
  savedAt: string;
  /** The merged config (what `startup systemd` reads for stop timeouts and app directories). */
  config: BulwarkConfig;
  owners?: Owners;
}

export class AppTableStore {
  readonly savedFile: string;
  readonly currentFile: string;

  constructor(stateDir: string) {
    this.savedFile = join(stateDir, 'apps.json');
    this.currentFile = join(stateDir, 'current.json');
  }

  save(owners: Owners): void { write(this.savedFile, owners); }
  recordCurrent(owners: Owners): void { write(this.currentFile, owners); }
  clearCurrent(): void { remove(this.currentFile); }

  /** `save --clear` (PM2's cleardump): nothing comes back at the next daemon start. False if nothing was saved. */
  clearSaved(): boolean { return remove(this.savedFile); }

  /** The owners to bring back at daemon start, and why. */
  loadForStart(): { owners: Owners; from: 'crash' | 'saved' } | null {
    const current = read(this.currentFile);
    if (current) return { owners: ownersOf(current), from: 'crash' };
    const saved = read(this.savedFile);
    return saved ? { owners: ownersOf(saved), from: 'saved' } : null;
  }

  loadSaved(): Owners | null {
    const saved = read(this.savedFile);
    return saved && ownersOf(saved);
  }

  /** `delete` drops apps from the saved table too (a deleted app must not come back at boot); the names it dropped. */
  forgetSaved(names: readonly string[]): string[] {
    const saved = this.loadSaved();
    if (saved === null) return [];
    const had = new Set(saved.sources.flatMap((s) => s.apps.map((a) => a.name)));
    const dropped = names.filter((n) => had.has(n));
    if (dropped.length === 0) return [];
    const left = dropped.reduce(withoutApp, saved);
    if (left.sources.some((s) => s.apps.length > 0)) this.save(left);
    else this.clearSaved(); // no app left to bring back
    return dropped;
  }
}

function write(file: string, owners: Owners): void {
  writeFileAtomic(file, JSON.stringify({ version: TABLE_VERSION, savedAt: new Date().toISOString(), config: mergeOwners(owners), owners } satisfies AppTable));
}

function remove(file: string): boolean {
  try { unlinkSync(file); return true; } catch { return false; }
}

/** A table from before owners were recorded: everything in it belongs to one source. */
function ownersOf(table: AppTable): Owners {
  const { config } = table;
  return table.owners ?? { sources: [sourceOf('saved table', 'the saved app table', config, ['*'])], defaults: { security: config.security, alerts: config.alerts } };
}

function read(file: string): AppTable | null {
  const text = readPrivateFile(file); // UnsafeFileError unless our own 0600 file
  if (text === null) return null;
  const table = JSON.parse(text) as AppTable;
  if (table.version !== TABLE_VERSION || !Array.isArray(table.config?.apps)) {
    throw new Error(`${file} was written by another bulwark version (table version ${table.version ?? 'none'}); start the apps again and \`bulwark save\``);
  }
  // What would run is the merge of the owners (or the config of an older table): it must validate.
  let runs: unknown;
  try { runs = table.owners ? mergeOwners(table.owners) : table.config; } catch { runs = null; }
  const config = appliedConfig.safeParse(runs);
  if (!config.success) throw new Error(`${file} does not hold a valid config (${describeIssues(config.error)}); start the apps again and \`bulwark save\``);
  return table;
}
