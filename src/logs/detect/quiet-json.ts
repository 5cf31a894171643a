// Proves, without JSON.parse (the costliest step on the per-line path), that a JSON line fires no
// rule and changes no detector state, so the detector can skip it. It answers "quiet" only for the
// plain shape JSON access logs have (string, number, true/false/null members, no escapes, no nesting)
// when no member a rule reads holds a trigger. Anything else means "parse".
//
// Accepting only strict JSON matters: a line that fails JSON.parse is read as text, where other
// rules apply. FLAT_OBJECT accepts a subset of what JSON.parse accepts, so a quiet line is JSON, and
// with no escapes each member's value is the parsed string itself. Checking every member (not only
// the first of each kind, as the parser keeps) makes the test a superset of what the rules see.
import { fieldSlot, requestTarget, Slot, typeNamesEvent } from '../parse/json.js';
import { mayNameAuth } from './auth-events.js';
import type { TagMatcher } from './tagged.js';
import type { WebInspector } from './web.js';

// A flat JSON object with no whitespace between tokens, strings without escapes or control
// characters, and only number/true/false/null otherwise: the shape JSON loggers write. Anchored,
// and every step is decided by one character (strings cannot hold `"`), so it is linear.
const FLAT_OBJECT = /^\{(?:"[^"\\\x00-\x1f]*":(?:"[^"\\\x00-\x1f]*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?:,|\}$))+$/;

// Keys whose string value the rules read (json.ts slots); tag fields are added per detector.
const RULE_KEYS = [
  'event', 'action', 'evt', 'activity', 'audit', 'eventName', 'event_type', 'eventType', 'type',
  'url', 'originalUrl', 'path', 'uri', 'request_uri', 'request', 'msg', 'message', 'method', 'http_method',
];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class QuietJson {
  /** Every `"key":"value"` member whose key a rule reads. In a FLAT_OBJECT line, a match is always a real member. */
  private readonly members: RegExp;

  constructor(private readonly tags: TagMatcher, private readonly web: WebInspector, tagFields: readonly string[]) {
    const keys = [...new Set([...RULE_KEYS, ...tagFields])].map(escapeRegExp).join('|');
    this.members = new RegExp(`"(${keys})":"([^"]*)"`, 'g');
  }

  /** True when `line` (sanitised) is a flat JSON object on which no rule can fire. */
  quiet(line: string): boolean {
    if (!FLAT_OBJECT.test(line)) return false;
    const re = this.members;
    re.lastIndex = 0;
    for (let m = re.exec(line); m !== null; m = re.exec(line)) {
      if (!this.quietString(m[1]!, m[2]!)) return false;
    }
    return true;
  }

  /** Could this string member make a rule fire (see json.ts collect and the detector's rules)? */
  private quietString(key: string, value: string): boolean {
    if (this.tags.tags(key, value)) return false;
    switch (fieldSlot(key)) {
      case Slot.Event: return false;
      case Slot.Type: return !typeNamesEvent(value);
      case Slot.Message: return !mayNameAuth(value);
      case Slot.Method: return value !== 'POST';
      case Slot.Url: return value.length === 0 || this.web.inspect(value) === null;
      case Slot.Request: {
        const target = requestTarget(value);
        return target === null || this.web.inspect(target) === null;
      }
      default: return true;
    }
  }
}
