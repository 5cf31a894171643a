// What one translation of a PM2 file carries: where it runs from, whose environment it sees, and
// the warnings it collects (one line per key, naming the apps that use it).
import type { EnvProbe } from './env-origins.js';

/** One app as PM2 reads it, after aliases are made canonical. */
export type Pm2App = Record<string, unknown>;
/** A bulwark app as written in bulwark.yml (human units kept), before validation. */
export type RawApp = Record<string, unknown>;

/** bulwark path -> PM2 key, recorded per app so validation errors name the key the user wrote. */
export type Origin = (bulwarkPath: string, pm2Key: string) => void;

export interface Context {
  file: string;
  /** Where relative paths resolve from: the caller's cwd, as in PM2. */
  cwd: string;
  /** The caller's environment (PATH lookups, `~`, values spread from process.env). */
  env: NodeJS.ProcessEnv;
  envName: string | undefined;
  /** Translating for `import pm2` (a bulwark.yml to keep) rather than for `start`. */
  forYaml: boolean;
  /** For `import pm2` of a JS file: where env values come from (null: the file could not be probed). */
  probe?: EnvProbe | null;
  /** key -> app labels, for one warning line per key. */
  notes: Map<string, string[]>;
  warnings: string[];
}

/** Records that `where` (an app label, or "(top level)") uses a key that gets a note. */
export function note(ctx: Context, key: string, where: string): void {
  ctx.notes.set(key, [...(ctx.notes.get(key) ?? []), where]);
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
