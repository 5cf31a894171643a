// Which non-app sections (security, forward, alerts, http) an `apply` changes: pure, so the daemon
// has one reconcile path (plan, then bring each changed part in line in place). Who declares which
// section across several files is config-owners.ts's business; this sees the merged result.
import type { BulwarkConfig } from '../config/schema/index.js';

export type Settings = Omit<BulwarkConfig, 'apps'>;
export type SectionName = keyof Settings;

/** In the order they are brought in line: detection first, then where events go, then the dashboard. */
export const SECTIONS: readonly SectionName[] = ['security', 'forward', 'alerts', 'http'];

export interface SettingsPlan {
  /** The settings in force after the apply. */
  settings: Settings;
  /** Sections whose value differs from before (every section the first time). */
  changed: SectionName[];
}

/**
 * `current` is null until the first config arrives: then every section of `incoming` is adopted
 * (a script started alone carries the defaults). Later only those that differ count as changed.
 */
export function planSettings(current: Settings | null, incoming: Settings): SettingsPlan {
  if (!current) return { settings: incoming, changed: [...SECTIONS] };
  const changed = SECTIONS.filter((key) => JSON.stringify(incoming[key]) !== JSON.stringify(current[key]));
  const settings = { ...current };
  for (const key of changed) (settings as Record<SectionName, unknown>)[key] = incoming[key];
  return { settings, changed };
}
