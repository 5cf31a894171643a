// What an alert is: one message about one thing that happened, addressed to some channels.
// Built from a bus event here; everything downstream (dedupe, queue, channels) only sees Alerts.
import type { BanEvent, LifecycleEvent, LifecycleKind, SecurityEvent } from '../events/types.js';
import type { AlertKind } from '../config/schema/index.js';
import { newEventId } from '../events/id.js';
import { escapeText } from '../common/escape.js';

export type AlertKindOrTest = AlertKind | 'test';

export interface Alert {
  /** Unique and stable across retries and restarts: receivers dedupe on it (idempotency id). */
  id: string;
  /** ISO time of the event that caused it. */
  at: string;
  host: string;
  /** null for alerts about the daemon or a forward endpoint. */
  app: string | null;
  /** The app's instance (0-based) the alert is about, where the event named one. */
  instance?: number;
  kind: AlertKindOrTest;
  /** One line a human reads first. */
  reason: string;
  severity: 'info' | 'warning' | 'critical';
  /** The bus event that caused it, if any. */
  eventId?: string;
  /** hang/health/memory/cpu: the probe or limit that failed (heartbeat | http | tcp | silence | cpu | memory). */
  probe?: string;
  code?: number | null;
  signal?: string | null;
  /** Security alerts: the detection (SPEC security event fields); `line` has control characters escaped. */
  securityKind?: string;
  ip?: string | null;
  user?: string | null;
  rule?: string;
  line?: string;
  source?: string;
  count?: number;
  /** forward-down and its recovery: the endpoint. */
  endpoint?: string;
  /** Summaries only: how many alerts like this one were held back by dedupe or flapping control. */
  heldBack?: number;
}

const MAX_LINE = 1000;

/** The log line an alert quotes: escaped (src/common/escape.ts) and cut to MAX_LINE characters. */
export function escapeLine(line: string): string {
  return escapeText(line, MAX_LINE);
}

/** Lifecycle kinds that are an app failing; a run of them is one flapping episode. */
export const FAILURE_KINDS = ['crash', 'hang', 'memory', 'cpu', 'health'] as const satisfies readonly (LifecycleKind & AlertKind)[];
export type FailureKind = (typeof FAILURE_KINDS)[number];
/** The lifecycle kinds that raise an alert of the same name. */
export type LifecycleAlertKind = FailureKind | 'errored' | 'reload-failed';

export function isFailureKind(kind: LifecycleKind): kind is FailureKind {
  return (FAILURE_KINDS as readonly LifecycleKind[]).includes(kind);
}

const FAILURE_SEVERITY: Record<LifecycleAlertKind, Alert['severity']> = {
  crash: 'critical', hang: 'critical', errored: 'critical', memory: 'warning', cpu: 'warning', health: 'warning',
  // the old instances keep serving: the deploy failed, the service did not
  'reload-failed': 'warning',
};

export function alertFromLifecycle(e: LifecycleEvent, kind: LifecycleAlertKind, host: string): Alert {
  const a: Alert = {
    id: newEventId(), at: e.at, host, app: e.app, kind, reason: e.reason || e.kind,
    severity: FAILURE_SEVERITY[kind], eventId: e.id,
  };
  if (e.instance !== undefined) a.instance = e.instance;
  if (e.probe !== undefined) a.probe = e.probe;
  if (e.code !== undefined) a.code = e.code;
  if (e.signal !== undefined) a.signal = e.signal;
  // A hang alert must say which probe failed even when the producer's reason does not.
  if (a.probe && !a.reason.includes(a.probe)) a.reason = `${a.probe}: ${a.reason}`;
  return a;
}

const SECURITY_SEVERITY: Record<SecurityEvent['severity'], Alert['severity']> = {
  low: 'info', medium: 'warning', high: 'critical', critical: 'critical',
};

export function alertFromSecurity(e: SecurityEvent, host: string): Alert {
  return {
    id: newEventId(), at: e.at, host, app: e.app, kind: 'security',
    reason: e.message || `${e.kind} detected`, severity: SECURITY_SEVERITY[e.severity] ?? 'warning', eventId: e.id,
    securityKind: e.kind, ip: e.ip, user: e.user, rule: e.rule, line: escapeLine(e.line), source: e.source, count: e.count,
  };
}

/** Active response: a ban (`ban`), banning paused or saturated (`ban-storm`), or failing (`ban-error`). */
export function alertFromBan(e: BanEvent, kind: 'ban' | 'ban-storm' | 'ban-error', host: string): Alert {
  const a: Alert = {
    id: newEventId(), at: e.at, host, app: e.app ?? null, kind, reason: e.message,
    severity: kind === 'ban' ? 'warning' : 'critical', eventId: e.id,
  };
  if (e.ip !== undefined) a.ip = e.ip;
  if (e.rule !== undefined) a.rule = e.rule;
  return a;
}

/** A summary of `held` alerts like `first` that were not sent one by one. */
export function summaryOf(first: Alert, held: number, windowMs: number, why: string): Alert {
  const { id: _id, eventId: _e, ...rest } = first;
  return { ...rest, id: newEventId(), at: new Date().toISOString(), heldBack: held, reason: `${held} more held back ${why} in the last ${Math.round(windowMs / 1000)}s: ${first.reason}` };
}
