// Proves, without JSON.parse (the costliest step on the per-line path), that a JSON line fires no
// rule and changes no detector state, so the detector can skip it. It answers "quiet" only for the
// plain shape JSON access logs have (string, number, true/false/null members, no escapes, no nesting)
// when no member a rule reads holds a trigger. Anything else means "parse".
//
// Accepting only strict JSON matters: a line that fails JSON.parse is read as text, where other
// rules apply. FLAT_OBJECT accepts a subset of what JSON.parse accepts, so a quiet line is JSON, and
// with no escapes each member's value is the parsed string itself. Checking every member (not only
// the first of each kind, as the parser keeps) makes the test a superset of what the rules see.
import { fieldSlot, requestTarget, ruleReadKeys, Slot, typeNamesEvent } from '../parse/json.js';
import { mayNameAuth } from './auth-events.js';
import type { TagMatcher } from './tagged.js';
import type { WebInspector } from './web.js';

// A flat JSON object with no whitespace between tokens, strings without escapes or control
// characters (C0 or DEL), and only number/true/false/null otherwise: the shape JSON loggers write.
// Anchored, and every step is decided by one character (strings cannot hold `"`), so it is linear.
// A match also proves the whole line free of control characters (formatters then skip escaping).
const FLAT_OBJECT = /^\{(?:"[^"\\\x00-\x1f\x7f]*":(?:"[^"\\\x00-\x1f\x7f]*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?:,|\}$))+$/;

// Keys whose string value the rules read (json.ts slots); tag fields are added per detector.
const RULE_KEYS = ruleReadKeys();

export class QuietJson {
  /** Keys whose string value a rule reads, by length (a key is compared in place, not sliced out). */
  private readonly keysByLength: (string[] | undefined)[] = [];

  constructor(private readonly tags: TagMatcher, private readonly web: WebInspector, tagFields: readonly string[]) {
    for (const key of new Set([...RULE_KEYS, ...tagFields])) (this.keysByLength[key.length] ??= []).push(key);
  }

  /** The rule-read key spelled at line[from, to), if any. */
  private keyAt(line: string, from: number, to: number): string | undefined {
    const candidates = this.keysByLength[to - from];
    if (candidates !== undefined) for (const key of candidates) if (line.startsWith(key, from)) return key;
    return undefined;
  }

  /** True when `line` (sanitised) is a flat JSON object on which no rule can fire. */
  quiet(line: string): boolean {
    if (!FLAT_OBJECT.test(line)) return false;
    // Walks the members FLAT_OBJECT just proved are there: `"key":` then a string (which holds no
    // `"`) or a number/true/false/null (which hold no `,`), then `,` or the final `}`.
    for (let i = 1; ;) {
      const keyEnd = line.indexOf('"', i + 1);
      const value = keyEnd + 2;
      if (line.charCodeAt(value) === 34) {
        const valueEnd = line.indexOf('"', value + 1);
        const key = this.keyAt(line, i + 1, keyEnd);
        if (key !== undefined && !this.quietString(key, line.slice(value + 1, valueEnd))) return false;
        i = valueEnd + 2;
      } else {
        const comma = line.indexOf(',', value);
        if (comma === -1) return true;
        i = comma + 1;
      }
      if (i >= line.length) return true;
    }
  }

  /** Could this string member make a rule fire (see json.ts collect and the detector's rules)? */
  private quietString(key: string, value: string): boolean {
    if (this.tags.tags(key, value)) return false;
    switch (fieldSlot(key)) {
      case Slot.Event: return false;
      case Slot.Journal: return false; // a journald entry is a syslog line: sshd sessions need every one
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
