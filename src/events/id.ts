import { randomBytes } from 'node:crypto';

// Ids are made for every forwarded log line, so they must be cheap: one random draw per process,
// then a counter. 12 hex digits of ms time + 8 hex digits of (random base + counter): time-ordered,
// unique within a process, and distinct across restarts (new time, new base).
const base = randomBytes(4).readUInt32BE(0);
let counter = 0;

export function newEventId(now = Date.now()): string {
  counter = (counter + 1) >>> 0;
  return now.toString(16).padStart(12, '0') + ((base + counter) >>> 0).toString(16).padStart(8, '0');
}
