// What the daemon runs, persisted so it can come back:
// - state/apps.json: the table `bulwark save` wrote; resurrected when the daemon starts cleanly (boot).
// - state/current.json: the live table, rewritten on every change and removed on a clean shutdown;
//   if it is still there at start, the last daemon died (SIGKILL, OOM), and it is restored instead,
//   so a crashed daemon brings back exactly what was running.
// Both hold validated configs (env values included, so the files are 0600 in the 0700 home); the
// daemon trusts them and does not load the schema.
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { BulwarkConfig } from '../config/schema/index.js';
import { writeFileAtomic } from '../common/atomic-file.js';

/** Bumped when the stored config's shape changes; an older table is refused, not misread. */
const TABLE_VERSION = 1;

export interface AppTable {
  version: number;
  savedAt: string;
  config: BulwarkConfig;
}

export class AppTableStore {
  readonly savedFile: string;
  readonly currentFile: string;

  constructor(stateDir: string) {
    this.savedFile = join(stateDir, 'apps.json');
    this.currentFile = join(stateDir, 'current.json');
  }

  save(config: BulwarkConfig): void { write(this.savedFile, config); }
  recordCurrent(config: BulwarkConfig): void { write(this.currentFile, config); }
  clearCurrent(): void { try { unlinkSync(this.currentFile); } catch { /* absent */ } }

  /** The table to bring back at daemon start, and why. */
  loadForStart(): { table: AppTable; from: 'crash' | 'saved' } | null {
    const current = read(this.currentFile);
    if (current) return { table: current, from: 'crash' };
    const saved = read(this.savedFile);
    return saved ? { table: saved, from: 'saved' } : null;
  }

  loadSaved(): AppTable | null { return read(this.savedFile); }
}

function write(file: string, config: BulwarkConfig): void {
  writeFileAtomic(file, JSON.stringify({ version: TABLE_VERSION, savedAt: new Date().toISOString(), config } satisfies AppTable));
}

function read(file: string): AppTable | null {
  if (!existsSync(file)) return null;
  // Written by the daemon from validated configs (0600 in the 0700 home), so it is trusted as is.
  const table = JSON.parse(readFileSync(file, 'utf8')) as AppTable;
  if (table.version !== TABLE_VERSION || !Array.isArray(table.config?.apps)) {
    throw new Error(`${file} was written by another bulwark version (table version ${table.version ?? 'none'}); start the apps again and \`bulwark save\``);
  }
  return table;
}
