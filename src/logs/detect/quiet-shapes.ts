// Line shapes for the quiet-JSON prefilter: the lines of one logger share their structure (the same
// keys in the same order, values of the same types), so a shape learnt from one line proves the next
// ones with one native regex match instead of a walk in JavaScript. A shape is a regex built from a
// line's parsed object: every key literally, every string value as a JSON-string pattern (captured
// when a rule reads it), every number or literal as such, and flat objects of string values (request
// headers, query strings) as one captured group that quiet-json.ts walks member by member. A regex
// that matches the whole line proves it strict JSON of that structure, free of control characters.

/** What a capture group holds. `role` is the key's role (quiet-json.ts); a flat object is walked. */
export type ShapeSlot = { kind: 'value'; role: number; key: string } | { kind: 'flat'; inHeaders: boolean };

export interface Shape {
  re: RegExp;
  slots: ShapeSlot[];
  /** Some key spelled in the regex is a tag field: the line may be tagged. */
  tagKeys: boolean;
}

/** How quiet-json.ts classifies keys, shared so that shapes and the walk agree. */
export interface ShapeRoles {
  /** The role of an object key (quiet-json.ts Role). */
  roleOf(key: string): number;
  /** The role opens the request object (req, request): its `headers` are request headers. */
  opensRequest(role: number): boolean;
  readonly other: number;
  readonly headers: number;
  /** Roles whose values the walk never proves quiet (body, user objects...): no shape. */
  readonly blocked: readonly number[];
  /** The key is a tag field (security.tags.fields). */
  isTagField(key: string): boolean;
}

/** A JSON string's content: no raw control characters, valid escapes only. Disjoint alternatives: linear. */
const STR = String.raw`[^"\\\x00-\x1f\x7f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f\x7f]*)*`;
const SCALAR = String.raw`(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)`;
/** The members of a flat object (keys without escapes, string or scalar values), as one group. */
const FLAT_MEMBER = String.raw`"[^"\\\x00-\x1f\x7f]*":(?:"${STR}"|${SCALAR})`;
const FLAT = String.raw`\{((?:${FLAT_MEMBER}(?:,${FLAT_MEMBER})*)?)\}`;

const MAX_SHAPES = 16;
const MAX_TRIES = 4;
const MAX_DEPTH = 6;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isFlat(o: Record<string, unknown>): boolean {
  for (const k in o) {
    const v = o[k];
    if (typeof v === 'object' && v !== null) return false;
  }
  return true;
}

export class ShapeCache {
  /** Most recently matched first. */
  private shapes: Shape[] = [];

  constructor(private readonly roles: ShapeRoles) {}

  /** The captures of the last line match() found a shape for. */
  groups: RegExpExecArray | null = null;

  /** The shape `line` has (its captures in `groups`); null when no known shape fits. */
  match(line: string): Shape | null {
    const shapes = this.shapes;
    const n = Math.min(shapes.length, MAX_TRIES);
    for (let i = 0; i < n; i++) {
      const shape = shapes[i]!;
      const m = shape.re.exec(line);
      if (m !== null) {
        if (i > 0) {
          shapes.splice(i, 1);
          shapes.unshift(shape);
        }
        this.groups = m;
        return shape;
      }
    }
    return null;
  }

  /** Learns the shape of `line` (already proved quiet by the walk); false when it has none (arrays, deep nesting). */
  learn(line: string): boolean {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return false;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
    const slots: ShapeSlot[] = [];
    this.tagKeys = false;
    const source = this.object(parsed as Record<string, unknown>, slots, 0, true, false);
    if (source === null) return false;
    // Known, but further down than match() looks: bring it to the front.
    const known = this.shapes.findIndex((s) => s.re.source === `^${source}$`);
    if (known >= 0) {
      this.shapes.unshift(...this.shapes.splice(known, 1));
      return true;
    }
    const re = new RegExp(`^${source}$`);
    // Key order, duplicate keys or integer-like keys can make the parsed object differ from the text.
    if (!re.test(line)) return false;
    this.shapes.unshift({ re, slots, tagKeys: this.tagKeys });
    if (this.shapes.length > MAX_SHAPES) this.shapes.length = MAX_SHAPES;
    return true;
  }

  /** Set by object(): a key it spelled is a tag field. */
  private tagKeys = false;

  private object(o: Record<string, unknown>, slots: ShapeSlot[], depth: number, top: boolean, inReq: boolean): string | null {
    if (depth > MAX_DEPTH) return null;
    let out = '\\{';
    let first = true;
    for (const key in o) {
      const v = o[key];
      const role = this.roles.roleOf(key);
      if (this.roles.isTagField(key)) this.tagKeys = true;
      out += `${first ? '' : ','}"${escapeRegExp(key)}":`;
      first = false;
      if (typeof v === 'string') {
        if (role === this.roles.other) out += `"${STR}"`;
        else {
          out += `"(${STR})"`;
          slots.push({ kind: 'value', role, key });
        }
      } else if (typeof v === 'number' || typeof v === 'boolean' || v === null) out += SCALAR;
      else if (Array.isArray(v)) return null;
      else if (typeof v === 'object') {
        if (this.roles.blocked.includes(role)) return null;
        const inner = v as Record<string, unknown>;
        const requestHeaders = role === this.roles.headers && (top || inReq);
        if (isFlat(inner) && (requestHeaders || role === this.roles.other)) {
          out += FLAT;
          slots.push({ kind: 'flat', inHeaders: requestHeaders });
        } else {
          const nested = this.object(inner, slots, depth + 1, false, top && this.roles.opensRequest(role));
          if (nested === null) return null;
          out += nested;
        }
      } else return null;
    }
    return out + '\\}';
  }
}
