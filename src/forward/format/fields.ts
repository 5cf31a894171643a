// What of an event becomes which part of a message: the text (MSG) and the key/value fields.
import type { BulwarkEvent } from '../../events/types.js';

/** The human text of an event: the original line for detections, else its reason/message. */
export function eventText(e: BulwarkEvent): string {
  // Coerced: a producer's malformed event must not throw on the forwarding path.
  switch (e.type) {
    case 'security': return String(e.line ?? '');
    case 'lifecycle': return String(e.reason ?? '');
    default: return String(e.message ?? '');
  }
}

const NOT_A_FIELD = new Set(['id', 'at', 'kind']);

/** Which field `eventText` took, so it is not repeated among the fields. */
function textKey(e: BulwarkEvent): string {
  return e.type === 'security' ? 'line' : e.type === 'lifecycle' ? 'reason' : 'message';
}

/**
 * Scalar fields in a stable order: kind first, id last (so `[bulwark@32473 kind="sqli" ... id="..."]`),
 * null/undefined and non-scalars left out, and the text (see eventText) not repeated.
 */
export function eventFields(e: BulwarkEvent): [string, string][] {
  const out: [string, string][] = [['kind', String(e.kind)]];
  const text = textKey(e);
  for (const [k, v] of Object.entries(e)) {
    if (NOT_A_FIELD.has(k) || k === text || v === null || v === undefined || typeof v === 'object') continue;
    out.push([k, String(v)]);
  }
  out.push(['id', String(e.id)]);
  return out;
}

/** The app an event is about, or bulwark itself. */
export function eventApp(e: BulwarkEvent): string {
  return e.app ?? 'bulwark';
}
