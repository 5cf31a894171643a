// Which channels hear about which alert kinds, from `alerts.on` (a list of kinds, or kind -> channel names).
import type { AlertKind, AlertsConfig, Severity } from '../config/schema/index.js';

export type Routes = ReadonlyMap<AlertKind, readonly string[]>;

export function buildRoutes(on: AlertsConfig['on'], channelNames: readonly string[]): Routes {
  const routes = new Map<AlertKind, readonly string[]>();
  if (Array.isArray(on)) {
    for (const kind of on) routes.set(kind, channelNames);
  } else {
    for (const [kind, target] of Object.entries(on) as [AlertKind, true | string[] | undefined][]) {
      if (target === undefined) continue;
      routes.set(kind, target === true ? channelNames : target.filter((n) => channelNames.includes(n)));
    }
  }
  return routes;
}

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export function severityAtLeast(s: Severity, min: Severity): boolean {
  return (SEVERITY_RANK[s] ?? 0) >= SEVERITY_RANK[min];
}

/** Union of channel lists, in first-seen order. */
export function unionChannels(...lists: (readonly string[] | undefined)[]): string[] {
  const out: string[] = [];
  for (const l of lists) for (const n of l ?? []) if (!out.includes(n)) out.push(n);
  return out;
}
