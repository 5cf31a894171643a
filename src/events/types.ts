// The event stream: the single source of truth for status history, forwarding and alerts.
// Every producer (supervisor, log pipeline, alerts, forwarder) emits these; `events` shows them.
import type { SecurityKind, Severity } from '../config/schema/index.js';

export type AppState = 'starting' | 'online' | 'stopping' | 'stopped' | 'backoff' | 'errored';

/**
 * The fine state under each AppState, named like systemd's service sub-states: `stopping` shows
 * how far the stop went (stop signal sent, then SIGKILL sent); `starting` whether the process was
 * spawned and bulwark waits for its readiness (`wait-ready`). The table of legal moves between
 * them is src/supervisor/lifecycle.ts.
 */
export type SubState = 'dead' | 'failed' | 'auto-restart' | 'start' | 'wait-ready' | 'running' | 'stop-sigterm' | 'stop-sigkill';

/** Kinds of lifecycle events that are a transition (from -> to). */
export type TransitionKind =
  | 'start' | 'restart' | 'spawned' | 'online' | 'timeout' | 'exit' | 'crash' | 'hang' | 'cpu' | 'memory' | 'stop' | 'kill' | 'stopped' | 'backoff';
/** Kinds of lifecycle events that report something without a transition. */
export type NoteKind = 'health' | 'recovered' | 'errored' | 'delete' | 'reload' | 'reload-failed' | 'scale';
/** Every lifecycle event kind: the one vocabulary of the state machine, events and alerts. */
export type LifecycleKind = TransitionKind | NoteKind;

interface EventBase {
  /** Unique id (used downstream to remove duplicates). */
  id: string;
  /** ISO 8601 time the event happened. */
  at: string;
  app?: string;
}

/** A state transition or supervisor action on one app. */
export interface LifecycleEvent extends EventBase {
  type: 'lifecycle';
  app: string;
  kind: LifecycleKind;
  /** The instance (0-based) the event is about; an app has instances 0..N-1 (`instances: N`). */
  instance?: number;
  from?: AppState;
  to?: AppState;
  /** Transitions: the sub-state entered (e.g. stop-sigkill when the stop escalated). */
  substate?: SubState;
  reason: string;
  pid?: number;
  code?: number | null;
  signal?: string | null;
  /** Which probe or limit caused it (heartbeat | http | tcp | silence | cpu | memory | cron | watch | user | resurrect). */
  probe?: string;
}

/** A detection by the log pipeline; the fields are the SPEC's security event shape. */
export interface SecurityEvent extends EventBase {
  type: 'security';
  kind: SecurityKind;
  app: string;
  /** Where the line came from: "stdout", "stderr" or a tailed file path. */
  source: string;
  line: string;
  ip: string | null;
  user: string | null;
  rule: string;
  severity: Severity;
  message: string;
  /** How many lines the detection covers (thresholds: the count in the window). */
  count: number;
}

/** One attempt to deliver an alert. */
export interface AlertEvent extends EventBase {
  type: 'alert';
  kind: 'alert.sent' | 'alert.failed' | 'alert.expired';
  channel: string;
  alertId: string;
  alertKind: string;
  message: string;
  error?: string;
  attempt?: number;
}

/** Forwarding trouble or recovery for one endpoint. */
export interface ForwardEvent extends EventBase {
  type: 'forward';
  kind: 'forward.error' | 'forward.down' | 'forward.up' | 'forward.dropped';
  endpoint: string;
  message: string;
}

/**
 * Active response (src/ban): an address banned or unbanned, or banning itself in trouble.
 * `ban.refused`: a protected address; `ban.full`: maxBans reached; `ban.storm` / `ban.resumed`:
 * automatic banning paused and resumed; `ban.error`: the backend failed; `ban.restored`: bans taken
 * over at start.
 */
export interface BanEvent extends EventBase {
  type: 'ban';
  kind: 'ban' | 'unban' | 'ban.refused' | 'ban.full' | 'ban.storm' | 'ban.resumed' | 'ban.error' | 'ban.restored';
  /** The offending address (a valid IPv4 or IPv6 address), when the event is about one. */
  ip?: string;
  /** What the firewall holds: the address, or its network with prefix bans (192.0.2.0/24). */
  target?: string;
  /** Bans: when it ends, how long it lasts, and which ban of this target it is (1 = first). */
  until?: string;
  durationMs?: number;
  count?: number;
  /** detection | user | expiry | config */
  by?: 'detection' | 'user' | 'expiry' | 'config';
  /** The detection that caused a ban. */
  securityKind?: SecurityKind;
  rule?: string;
  eventId?: string;
  /** Only recorded: `dryRun` is on. */
  dryRun?: boolean;
  message: string;
}

export type DaemonKind = 'start' | 'stop' | 'resurrect' | 'resurrect-failed' | 'orphans-reaped' | 'internal-error' | 'containment'
  | 'stall' | 'forward.test' | 'http' | 'http-failed' | 'reload' | 'reload-failed';

/** Something about the daemon itself (start, stop, resurrect, config reload). */
export interface DaemonEvent extends EventBase {
  type: 'daemon';
  kind: DaemonKind;
  message: string;
}

export type BulwarkEvent = LifecycleEvent | SecurityEvent | AlertEvent | ForwardEvent | BanEvent | DaemonEvent;
export type EventType = BulwarkEvent['type'];
export const EVENT_TYPES: readonly EventType[] = ['lifecycle', 'security', 'alert', 'forward', 'ban', 'daemon'];

/** A captured log line handed from the supervisor to the log pipeline. */
export interface LogLine {
  app: string;
  source: string;
  line: string;
  /** Read time (ms since epoch); parsers prefer the time written in the line. */
  readAt: number;
  /**
   * Set by the detector when it proved `line` holds no control character (C0 or DEL), so that
   * formatters can skip their escaping scan; absent or false means "not known: escape".
   */
  clean?: boolean;
}
