// Proves, without JSON.parse (the costliest step on the per-line path), that a JSON line fires no
// rule and changes no detector state, so the detector can skip it. One pass over the text checks the
// line is strict JSON of the shape loggers write (objects, arrays, strings, numbers, literals, no
// whitespace between tokens, no control characters) and asks, for every string member a rule could
// read, whether it could fire: the request target, user agent, referer, cookies and other request
// headers, the user, the message, event names, tags. Anything else means "parse".
//
// Correctness rests on two things. The scanner accepts a subset of what JSON.parse accepts (a quiet
// line is JSON, so `auto` would parse it as JSON too). And it judges every member by its key at any
// depth, and every header of any `headers` object, which is a superset of what the parser and the
// rules read (json.ts reads some keys only at certain depths, and the first of duplicates). A string
// with escapes is decoded (JSON.parse of that string alone) before it is judged.
// test/logs/detect/quiet-json.test.ts runs every fixture through both paths and compares.
import { requestTarget, ruleReadKeys, typeNamesEvent } from '../parse/json.js';
import { mayNameAuth } from './auth-events.js';
import { HEADER_ROLES, KeyTable, Role, roleOfKey } from './quiet-keys.js';
import { REFERER_KEYS } from './request-fields.js';
import { ShapeCache, type Shape } from './quiet-shapes.js';
import type { TagMatcher } from './tagged.js';
import type { WebInspector } from './web.js';

/** Where an object sits: its `headers` member holds request headers only at the top or in req/request (request-fields.ts). */
const enum Place { Top, Req, Elsewhere }

const MAX_DEPTH = 8;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;
/**
 * A POST is a failed login only with status 401 or 403 (auth-events.ts). The parser reads the first
 * status member it meets; this asks, more strictly, whether any member named like a status anywhere
 * in the raw text (escaped text included) is not a plain three-digit number other than 401 and 403.
 */
const STATUS_MAY_DENY = /"(?:status|statusCode|status_code)":(?![1-35-9]\d\d[,}\]]|4(?:0[024-9]|[1-9]\d)[,}\]])/;

export class QuietJson {
  private readonly keys: KeyTable;
  private readonly headers: KeyTable;
  private readonly tagFields: readonly string[];
  private line = '';
  /** The whole line being judged (for checks that read beyond one member). */
  private raw = '';
  private pos = 0;
  /** Index of the next backslash at or after the last position asked about (-1: none left). */
  private nextBackslash = -1;
  /** Whether tags can match this line at all (their values appear in it), for the walk. */
  private tagsPossible = false;
  /** The tag gate's verdict on the line, asked lazily: 0 not asked, 1 tags possible, 2 impossible. */
  private tagGate = 0;
  private readonly tagKeys: KeyTable;
  private readonly shapes: ShapeCache;
  /** Quiet lines to wait before trying to learn a shape again, after a line that could not be shaped. */
  private learnBackoff = 0;

  constructor(private readonly tags: TagMatcher, private readonly web: WebInspector, tagFields: readonly string[]) {
    this.tagFields = tagFields;
    const known = new Map<string, Role>();
    // Every key a rule reads through the parser (json.ts), the request parts web.ts reads, tag fields,
    // and keys a header must not be named like (the parser would read such a header as the field).
    const all = [...ruleReadKeys(), 'time', 'timestamp', 'ts', 'ip', 'req', 'res', 'response', 'http', 'headers', 'body',
      'cookie', ...REFERER_KEYS, ...tagFields];
    for (const k of all) known.set(k, roleOfKey(k));
    this.keys = new KeyTable(known);
    this.headers = new KeyTable(HEADER_ROLES);
    this.tagKeys = new KeyTable(tagFields.map((f) => [f, Role.Other]));
    const keyRoles = known;
    const tagSet = new Set(tagFields);
    this.shapes = new ShapeCache({
      roleOf: (key) => keyRoles.get(key) ?? Role.Other,
      opensRequest: (role) => role === Role.Req || role === Role.Request,
      other: Role.Other,
      headers: Role.Headers,
      blocked: [Role.Body, Role.User, Role.Event, Role.Cookie],
      isTagField: (key) => tagSet.has(key),
    });
  }

  /** True when `line` (sanitised) is a JSON object on which no rule can fire. */
  quiet(line: string): boolean {
    if (line.charCodeAt(0) !== 123) return false;
    this.raw = line;
    this.tagGate = 0;
    // A shape that spells no tag field needs the tag gate only for tag fields inside its flat objects.
    const shape = this.shapes.match(line);
    if (shape !== null && (!shape.tagKeys || !this.mayTag())) return this.quietShape(shape, this.shapes.groups!);
    this.tagsPossible = this.mayTag();
    if (CONTROL.test(line)) return false;
    this.line = line;
    this.pos = 0;
    this.nextBackslash = line.indexOf('\\');
    const ok = this.object(0, Place.Top, false) && this.pos === line.length;
    this.line = '';
    if (ok && !this.tagsPossible) {
      if (this.learnBackoff > 0) this.learnBackoff--;
      else if (!this.shapes.learn(line)) this.learnBackoff = 100;
    }
    return ok;
  }

  /** Could a tag value be in the line (the raw-text gate, asked once per line)? */
  private mayTag(): boolean {
    if (this.tagGate === 0) this.tagGate = this.tagFields.length > 0 && this.tags.mayMatch(this.raw) ? 1 : 2;
    return this.tagGate === 1;
  }

  /** The captured values of a line that has a known shape, checked as the walk would. */
  private quietShape(shape: Shape, groups: RegExpExecArray): boolean {
    for (let g = 0; g < shape.slots.length; g++) {
      const slot = shape.slots[g]!;
      const text = groups[g + 1]!;
      if (slot.kind === 'value') {
        if (!this.check(slot.role as Role, text.indexOf('\\') >= 0 ? (JSON.parse(`"${text}"`) as string) : text, slot.key)) return false;
      } else if (!this.quietMembers(text, slot.inHeaders)) return false;
    }
    return true;
  }

  /**
   * The members of a flat object (the regex proved its syntax: keys without escapes, string or scalar
   * values), judged by key as the walk judges them.
   */
  private quietMembers(body: string, inHeaders: boolean): boolean {
    let i = 0;
    while (i < body.length) {
      const keyEnd = body.indexOf('"', i + 1);
      let role: Role;
      if (inHeaders) {
        const header = this.headers.at(body, i + 1, keyEnd);
        if (header === undefined && this.keys.at(body, i + 1, keyEnd) !== undefined) return false;
        role = header ?? Role.Header;
      } else role = this.keys.at(body, i + 1, keyEnd) ?? Role.Other;
      let v = keyEnd + 2;
      if (body.charCodeAt(v) === 34) {
        let end = v + 1;
        for (;;) {
          end = body.indexOf('"', end);
          let slashes = 0;
          while (body.charCodeAt(end - 1 - slashes) === 92) slashes++;
          if (slashes % 2 === 0) break;
          end++;
        }
        const tagKey = this.tagKeys.at(body, i + 1, keyEnd) !== undefined && this.mayTag();
        if (role !== Role.Other || tagKey) {
          const raw = body.slice(v + 1, end);
          const value = raw.indexOf('\\') >= 0 ? (JSON.parse(`"${raw}"`) as string) : raw;
          const key = body.slice(i + 1, keyEnd);
          if (tagKey && this.tags.tags(key, value)) return false;
          if (!this.check(role, value, key)) return false;
        }
        v = end + 1;
      } else {
        const comma = body.indexOf(',"', v);
        v = comma < 0 ? body.length : comma;
      }
      i = v + 1;
    }
    return true;
  }

  /** An object at pos (`{`); `inHeaders`: its members are request headers. */
  private object(depth: number, place: Place, inHeaders: boolean): boolean {
    const s = this.line;
    if (depth > MAX_DEPTH) return false;
    this.pos++;
    if (s.charCodeAt(this.pos) === 125) { this.pos++; return true; }
    for (;;) {
      if (s.charCodeAt(this.pos) !== 34) return false;
      const keyStart = this.pos + 1;
      const keyEnd = s.indexOf('"', keyStart);
      // A key with an escape could spell any key: parse.
      if (keyEnd < 0 || this.backslashBefore(keyStart, keyEnd)) return false;
      if (s.charCodeAt(keyEnd + 1) !== 58) return false;
      this.pos = keyEnd + 2;
      let role: Role;
      if (inHeaders) {
        const header = this.headers.at(s, keyStart, keyEnd);
        // A header named like a field the parser reads (url, user, event...) is read both ways: parse.
        if (header === undefined && this.keys.at(s, keyStart, keyEnd) !== undefined) return false;
        role = header ?? Role.Header;
      } else role = this.keys.at(s, keyStart, keyEnd) ?? Role.Other;
      if (!this.value(depth, place, role, keyStart, keyEnd)) return false;
      const c = s.charCodeAt(this.pos);
      this.pos++;
      if (c === 125) return true;
      if (c !== 44) return false;
    }
  }

  private value(depth: number, place: Place, role: Role, keyStart: number, keyEnd: number): boolean {
    const s = this.line;
    const c = s.charCodeAt(this.pos);
    if (c === 34) {
      const start = this.pos + 1;
      const end = this.stringEnd(start);
      if (end < 0) return false;
      this.pos = end + 1;
      return this.quietString(role, start, end, keyStart, keyEnd);
    }
    if (c === 123) {
      if (role === Role.Body || role === Role.User || role === Role.Event || role === Role.Cookie) return false;
      const inner = place === Place.Top && (role === Role.Req || role === Role.Request) ? Place.Req : Place.Elsewhere;
      return this.object(depth + 1, inner, role === Role.Headers && place !== Place.Elsewhere);
    }
    if (c === 91) {
      if (role === Role.Body) return false;
      this.pos++;
      if (s.charCodeAt(this.pos) === 93) { this.pos++; return true; }
      for (;;) {
        if (!this.value(depth + 1, Place.Elsewhere, role === Role.Headers ? Role.Other : role, keyStart, keyEnd)) return false;
        const d = s.charCodeAt(this.pos);
        this.pos++;
        if (d === 93) return true;
        if (d !== 44) return false;
      }
    }
    if (role === Role.Body) return false;
    return this.literal();
  }

  /** True when a backslash sits in line[from, to). Positions only move forward, so this stays linear. */
  private backslashBefore(from: number, to: number): boolean {
    if (this.nextBackslash >= 0 && this.nextBackslash < from) this.nextBackslash = this.line.indexOf('\\', from);
    return this.nextBackslash >= 0 && this.nextBackslash < to;
  }

  /** Index of the closing quote of the string starting at `start`, escapes validated; -1 when malformed. */
  private stringEnd(start: number): number {
    const s = this.line;
    let i = start;
    for (;;) {
      const q = s.indexOf('"', i);
      if (q < 0) return -1;
      if (!this.backslashBefore(i, q)) return q;
      const b = this.nextBackslash;
      // An escape before the quote: validate it and continue after it.
      const e = s.charCodeAt(b + 1);
      if (e === 117 /* u */) {
        if (!/^[0-9a-fA-F]{4}$/.test(s.slice(b + 2, b + 6))) return -1;
        i = b + 6;
      } else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) i = b + 2;
      else return -1;
    }
  }

  /** A number, true, false or null at pos. */
  private literal(): boolean {
    const s = this.line;
    let i = this.pos;
    const c = s.charCodeAt(i);
    if (c === 116) { if (!s.startsWith('true', i)) return false; this.pos = i + 4; return true; }
    if (c === 102) { if (!s.startsWith('false', i)) return false; this.pos = i + 5; return true; }
    if (c === 110) { if (!s.startsWith('null', i)) return false; this.pos = i + 4; return true; }
    if (c === 45) i++;
    const d = s.charCodeAt(i);
    if (d === 48) i++;
    else if (d >= 49 && d <= 57) { i++; while (isDigit(s.charCodeAt(i))) i++; }
    else return false;
    if (s.charCodeAt(i) === 46) {
      i++;
      if (!isDigit(s.charCodeAt(i))) return false;
      while (isDigit(s.charCodeAt(i))) i++;
    }
    const e = s.charCodeAt(i);
    if (e === 101 || e === 69) {
      i++;
      if (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45) i++;
      if (!isDigit(s.charCodeAt(i))) return false;
      while (isDigit(s.charCodeAt(i))) i++;
    }
    this.pos = i;
    return true;
  }

  /** Could this string member make a rule fire (see json.ts collect, request-fields.ts and the detector)? */
  private quietString(role: Role, start: number, end: number, keyStart: number, keyEnd: number): boolean {
    const s = this.line;
    if (role === Role.Other && !this.tagsPossible) return true;
    let value = s.slice(start, end);
    if (value.indexOf('\\') >= 0) value = JSON.parse(`"${value}"`) as string;
    const key = s.slice(keyStart, keyEnd);
    if (this.tagsPossible && this.tags.tags(key, value)) return false;
    return this.check(role, value, key);
  }

  /** The check for one decoded string value of a key with `role`. */
  private check(role: Role, value: string, key: string): boolean {
    switch (role) {
      case Role.Other: return true;
      case Role.Event: case Role.Body: return false;
      case Role.Type: return !typeNamesEvent(value);
      case Role.Message: return !mayNameAuth(value);
      case Role.Method: return value !== 'POST' || !STATUS_MAY_DENY.test(this.raw);
      case Role.Url: return value.length === 0 || this.web.inspectTarget(value) === null;
      case Role.Request: {
        const target = requestTarget(value);
        return target === null || this.web.inspectTarget(target) === null;
      }
      case Role.UserAgent: return this.web.quietAgent(value);
      case Role.User: return this.web.quietUser(value);
      case Role.Referer: return value.length === 0 || value === '-' || this.web.quietReferer(value);
      case Role.Cookie: return this.web.quietCookie(value);
      case Role.Header: return this.web.quietHeader(key, value);
      case Role.Headers: case Role.Req: return true;
    }
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
