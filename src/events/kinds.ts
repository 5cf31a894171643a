// Every event kind the daemon publishes, by type: what `events --type` accepts besides the types
// themselves. A producer that adds a kind adds it here (an unknown --type is a usage error).
import { SECURITY_KINDS } from '../config/schema/security-kinds.js';
import { EVENT_TYPES, type AlertEvent, type BanEvent, type DaemonKind, type EventType, type ForwardEvent, type LifecycleKind } from './types.js';

const LIFECYCLE_KINDS = ['start', 'restart', 'spawned', 'online', 'timeout', 'exit', 'crash', 'hang', 'cpu', 'memory', 'stop', 'kill', 'stopped', 'backoff',
  'health', 'recovered', 'errored', 'delete', 'reload', 'reload-failed', 'scale'] as const satisfies readonly LifecycleKind[];
// A lifecycle kind added to the union but not listed above fails to compile here.
const everyLifecycleKind: Exclude<LifecycleKind, (typeof LIFECYCLE_KINDS)[number]> extends never ? true : never = true;
void everyLifecycleKind;
const DAEMON_KINDS = ['start', 'stop', 'resurrect', 'resurrect-failed', 'orphans-reaped', 'internal-error', 'containment', 'stall', 'forward.test',
  'http', 'http-failed', 'reload', 'reload-failed'] as const satisfies readonly DaemonKind[];
const everyDaemonKind: Exclude<DaemonKind, (typeof DAEMON_KINDS)[number]> extends never ? true : never = true;
void everyDaemonKind;

export const EVENT_KINDS: Record<EventType, readonly string[]> = {
  lifecycle: LIFECYCLE_KINDS,
  security: SECURITY_KINDS,
  alert: ['alert.sent', 'alert.failed', 'alert.expired'] satisfies AlertEvent['kind'][],
  forward: ['forward.error', 'forward.down', 'forward.up', 'forward.dropped'] satisfies ForwardEvent['kind'][],
  ban: ['ban', 'unban', 'ban.refused', 'ban.full', 'ban.storm', 'ban.resumed', 'ban.error', 'ban.restored'] satisfies BanEvent['kind'][],
  daemon: DAEMON_KINDS,
};

/** True for a type, a kind, or a kind family (`alert` for alert.*). */
export function isEventTypeOrKind(value: string): boolean {
  return (EVENT_TYPES as readonly string[]).includes(value) || Object.values(EVENT_KINDS).some((kinds) => kinds.includes(value));
}

/** For the usage message: the types, then every kind once. */
export function eventTypesAndKinds(): string[] {
  return [...new Set([...EVENT_TYPES, ...Object.values(EVENT_KINDS).flat()])];
}
