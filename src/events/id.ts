import { randomBytes } from 'node:crypto';

// Time-ordered, unique across restarts: 12 hex digits of ms time + 8 random hex digits.
export function newEventId(now = Date.now()): string {
  return now.toString(16).padStart(12, '0') + randomBytes(4).toString('hex');
}
