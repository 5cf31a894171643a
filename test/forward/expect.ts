// The wire contract, written out independently of the implementation: what rsyslog must parse
// out of what bulwark sends. Kept next to the tests (not under helpers) because only they use it.
import type { BulwarkEvent } from '../../src/events/types.js';

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

/** MSG: C0 controls and DEL as visible escapes; everything else (backslashes, UTF-8) untouched. */
export function escapedMsg(s: string): string {
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** PARAM-VALUE per RFC 5424 §6.3.3, after control escaping. */
export function sdValue(s: string): string {
  return escapedMsg(s).replace(/["\\\]]/g, '\\$&');
}

const TEXT_KEY: Record<string, string> = { security: 'line', lifecycle: 'reason' };

/** `[bulwark@32473 kind=".." <other scalar fields in order> id=".."]` without the MSG field. */
export function expectedSd(e: BulwarkEvent): string {
  const text = TEXT_KEY[e.type] ?? 'message';
  let sd = `[bulwark@32473 kind="${sdValue(e.kind)}"`;
  for (const [k, v] of Object.entries(e)) {
    if (k === 'id' || k === 'at' || k === 'kind' || k === text || v === null || v === undefined || typeof v === 'object') continue;
    sd += ` ${k}="${sdValue(String(v))}"`;
  }
  return `${sd} id="${sdValue(e.id)}"]`;
}
