// SIGHUP: the daemon reads each config file it was given (`start FILE`, `apply FILE`) again and
// applies it as that command would, as the owner of what it declares (config-owners.ts). Apps
// deleted since (`bulwark delete`) stay deleted; new apps in the file start.
import { statSync } from 'node:fs';
import type { AppConfig, BulwarkConfig } from '../config/schema/index.js';
import { effectiveUid, octal } from '../common/private-file.js';
import type { ConfigSource } from './config-owners.js';

/** How the CLI read a file, kept with its source so a reload reads it the same way. */
export interface SourceOrigin {
  /** The caller's working directory (PM2 files resolve relative paths from it). */
  cwd?: string | undefined;
  /** `--env NAME`. */
  envName?: string | undefined;
  /** Every app name the file had when it was last applied: one of these missing from the source was deleted. */
  known?: string[] | undefined;
}

export interface ReloadedSource {
  config: BulwarkConfig;
  declared: string[];
  origin: SourceOrigin;
}

/**
 * Reads a file source again. `${VAR}` come from the environment the file's apps were started with
 * (the caller's shell, kept with them), over the daemon's. Only data files: a PM2 ecosystem .js is
 * code, which `bulwark start` runs, never the daemon. The file must be owned by this user or root
 * and writable by no one else: it decides what runs, and as whom.
 */
export async function reloadSource(source: ConfigSource): Promise<ReloadedSource> {
  const file = source.id;
  if (/\.[cm]?js$/.test(file)) throw new Error('a JavaScript ecosystem file is code, which the daemon does not run; run `bulwark start` on it again');
  const st = statSync(file);
  const uid = effectiveUid();
  if (st.uid !== uid && st.uid !== 0) throw new Error(`owned by uid ${st.uid}, not by uid ${uid} or root`);
  if ((st.mode & 0o022) !== 0) throw new Error(`writable by group or others (mode ${octal(st.mode)})`);
  const callerEnv = source.apps.find((a) => a.callerEnv !== undefined)?.callerEnv;
  const origin = source.origin ?? {};
  const { loadConfigFile } = await import('../config/load.js');
  const { ConfigError } = await import('../config/errors.js');
  let loaded;
  try {
    loaded = await loadConfigFile(file, { ...process.env, ...callerEnv }, { envName: origin.envName, cwd: origin.cwd });
  } catch (err) {
    if (err instanceof ConfigError) throw new Error(err.issues.map((i) => `${i.line ? `line ${i.line}: ` : ''}${i.path || '(top level)'}: ${i.message}`).join('; '));
    throw err;
  }
  const names = loaded.config.apps.map((a) => a.name);
  const known = origin.known ?? source.apps.map((a) => a.name);
  const current = new Map(source.apps.map((a) => [a.name, a]));
  const apps: AppConfig[] = loaded.config.apps
    .filter((a) => current.has(a.name) || !known.includes(a.name)) // not the ones deleted since
    .map((a) => ({ ...a, callerEnv: current.get(a.name)?.callerEnv ?? callerEnv }));
  return { config: { ...loaded.config, apps }, declared: loaded.declared ?? ['*'], origin: { ...origin, known: names } };
}
