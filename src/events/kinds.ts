// Every event kind the daemon publishes, by type: what `events --type` accepts besides the types
// themselves. A producer that adds a kind adds it here (an unknown --type is a usage error).
import { SECURITY_KINDS } from '../config/schema/security.js';
import { EVENT_TYPES, type EventType } from './types.js';

export const EVENT_KINDS: Record<EventType, readonly string[]> = {
  lifecycle: ['start', 'online', 'exit', 'crash', 'hang', 'memory', 'cpu', 'health', 'recovered', 'restart', 'stop', 'stopped', 'backoff', 'errored', 'delete'],
  security: SECURITY_KINDS,
  alert: ['alert.sent', 'alert.failed', 'alert.expired'],
  forward: ['forward.error', 'forward.down', 'forward.up', 'forward.dropped'],
  daemon: ['start', 'stop', 'resurrect', 'resurrect-failed', 'orphans-reaped', 'internal-error'],
};

/** True for a type, a kind, or a kind family (`alert` for alert.*). */
export function isEventTypeOrKind(value: string): boolean {
  return (EVENT_TYPES as readonly string[]).includes(value) || Object.values(EVENT_KINDS).some((kinds) => kinds.includes(value));
}

/** For the usage message: the types, then every kind once. */
export function eventTypesAndKinds(): string[] {
  return [...new Set([...EVENT_TYPES, ...Object.values(EVENT_KINDS).flat()])];
}
