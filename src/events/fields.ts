// The event boundary: fields parsed out of attacker text are checked and bounded once, where an
// event is made, so that nothing downstream (history, offenders, forwarding, alerts, bans) sees an
// `ip` that is not an address or a field of unbounded length.
import { isIP } from 'node:net';

/** Longest `user` (and other short identity fields) an event carries; longer values are cut with a marker. */
export const MAX_IDENTITY_CHARS = 256;
const CUT_MARKER = '…';

/** An IP field is a valid IPv4 or IPv6 address, or nothing. */
export function validIp(value: unknown): string | null {
  return typeof value === 'string' && isIP(value) !== 0 ? value : null;
}

/** value cut to `max` characters (a marker shows the cut), null stays null. */
export function boundedField(value: string | null, max = MAX_IDENTITY_CHARS): string | null {
  if (value === null || value.length <= max) return value;
  // Not between the two halves of a surrogate pair.
  const end = (value.charCodeAt(max - 1) & 0xfc00) === 0xd800 ? max - 1 : max;
  return value.slice(0, end) + CUT_MARKER;
}
