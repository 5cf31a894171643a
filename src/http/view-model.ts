// What the dashboard receives: the daemon's state as plain JSON, every string passed through
// escapeText first. The page renders with textContent only (never HTML), so markup in a log line
// is shown as written; escapeText also makes control, bidi and invisible characters visible, so a
// line cannot hide or reorder what the operator reads.
import { escapeText } from '../common/escape.js';
import type { BulwarkEvent } from '../events/types.js';
import type { DaemonView, InstanceView } from './daemon-view.js';
import type { Series, UsageHistory } from './history.js';

/** Longest string the page gets (a log line is up to 64 KB; the feed shows its start). */
const MAX_TEXT = 2000;
/** Events in the first snapshot (the history keeps more; `bulwark events` shows them all). */
export const SNAPSHOT_EVENTS = 5000;
const OFFENDERS_SHOWN = 100;

export interface InstanceRow extends InstanceView {
  key: string;
  history: Series | null;
}

/** Every string in `v`, recursively, through escapeText. */
export function safeForDisplay<T>(v: T): T {
  if (typeof v === 'string') return escapeText(v, MAX_TEXT) as T;
  if (Array.isArray(v)) return v.map(safeForDisplay) as T;
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = safeForDisplay(x);
    return out as T;
  }
  return v;
}

export function instanceKey(i: { app: string; instance: number }): string {
  return `${i.app}/${i.instance}`;
}

/** The live part: apps, endpoints, pipeline, alert deliveries (sent on every change and every few seconds). */
export function liveState(view: DaemonView, history: UsageHistory | null, withHistory: boolean): unknown {
  const instances: InstanceRow[] = view.instances().map((i) => ({
    ...i, key: instanceKey(i), history: withHistory && history ? history.series(instanceKey(i)) : null,
  }));
  const counters = view.counters();
  const deduplicated = view.alertCounters().deduplicated;
  const channels = new Set([...counters.alerts.keys(), ...Object.keys(deduplicated)]);
  const pipeline = view.pipeline();
  return safeForDisplay({
    now: Date.now(),
    instances,
    endpoints: view.endpoints(),
    alerts: [...channels].map((channel) => ({ channel, ...(counters.alerts.get(channel) ?? { sent: 0, failed: 0, expired: 0 }), deduplicated: deduplicated[channel] ?? 0 })),
    pipeline: pipeline && { lines: pipeline.stats.lines, detections: pipeline.stats.detections, files: pipeline.stats.files, input: pipeline.stats.input },
  });
}

/** The first message of a stream: everything the page shows. */
export function snapshot(view: DaemonView, history: UsageHistory | null, csrf: string | null): unknown {
  const offenders = [...view.offenders()].sort((a, b) => b.total - a.total).slice(0, OFFENDERS_SHOWN);
  return {
    csrf,
    daemon: safeForDisplay({ version: view.version, hostname: view.hostname, startedAt: view.startedAt }),
    live: liveState(view, history, true),
    events: view.recentEvents(SNAPSHOT_EVENTS).map(eventForDisplay),
    offenders: safeForDisplay(offenders),
  };
}

export function eventForDisplay(e: BulwarkEvent): unknown {
  return safeForDisplay(e);
}
