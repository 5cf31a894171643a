// One helpful sentence per kind of config mistake: the message names the bad value and what is
// allowed (with a did-you-mean), "missing" for a missing key; the hint says what to write instead.
import type { z } from 'zod';

/** Message and hint for one zod issue; `schema` is the whole config schema (for the keys allowed at a path). */
export function describeIssue(issue: z.core.$ZodIssue, path: readonly PropertyKey[], schema: z.ZodType): { message: string; hint?: string } {
  const key = String(path[path.length - 1] ?? '');
  const own = (issue as { params?: { hint?: unknown } }).params?.hint;
  if (typeof own === 'string') return { message: issue.message, hint: own };
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = keysAt(schema, issue.path, issue.input);
      const near = closest(key, allowed);
      return {
        message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
        hint: near ? `did you mean "${near}"? Unknown keys are rejected so typos cannot pass silently`
          : `allowed here: ${allowed.join(', ') || '(none)'}; unknown keys are rejected so typos cannot pass silently`,
      };
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      const near = typeof issue.input === 'string' ? closest(issue.input, values) : undefined;
      return { message: `${show(issue.input)} is not one of ${values.join(', ')}${near ? `; did you mean "${near}"?` : ''}` };
    }
    case 'invalid_type': {
      if (!('input' in issue) || issue.input === undefined) {
        const values = (issue as { values?: unknown[] }).values;
        return { message: 'missing', hint: `required here: ${values ? `one of ${values.join(', ')}` : article(issue.expected)}` };
      }
      if (issue.expected === 'string' && path.includes('env') && (typeof issue.input === 'number' || typeof issue.input === 'boolean')) {
        return {
          message: `${show(issue.input)} is a ${typeof issue.input}; environment values are strings`,
          hint: `quote it: ${key}: "${String(issue.input)}"`,
        };
      }
      return {
        message: `expected ${article(issue.expected)}, got ${show(issue.input)}`,
        hint: issue.expected === 'array' ? 'write a YAML list (- item) or [a, b]' : undefined,
      };
    }
    case 'too_small': return { message: issue.message, hint: issue.origin === 'array' ? 'add at least one entry' : 'the value is too small' };
    case 'too_big': return { message: issue.message, hint: 'the value is too large' };
    case 'invalid_format': return { message: issue.message, hint: issue.format === 'url' ? 'write a full URL like http://127.0.0.1:3000/health' : undefined };
    default: return { message: issue.message };
  }
}

/**
 * A union's own issue says only "Invalid input"; the branch that fits the value's type says more
 * (`on: [crash, hnag]` is a list, so the list branch's "hnag" is the news, not "expected a record").
 */
export function unwrapUnion(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union') return [issue];
  const d = issue as { discriminator?: string; options?: unknown[]; input?: unknown };
  if (d.discriminator !== undefined && Array.isArray(d.options)) {
    // A discriminated union (alert channels by `type`): the discriminator's own value is the problem.
    const value = d.input && typeof d.input === 'object' ? (d.input as Record<string, unknown>)[d.discriminator] : undefined;
    return [{ code: value === undefined ? 'invalid_type' : 'invalid_value', expected: 'string', values: d.options, path: issue.path, message: issue.message, ...(value === undefined ? {} : { input: value }) } as unknown as z.core.$ZodIssue];
  }
  if (issue.errors.length === 0) return [issue];
  const typeOnly = (branch: z.core.$ZodIssue[]) => branch.every((i) => i.code === 'invalid_type' && i.path.length === 0);
  const fitting = issue.errors.filter((b) => !typeOnly(b));
  if (fitting.length === 0) {
    const input = (issue as { input?: unknown }).input;
    const expected = [...new Set(issue.errors.flat().map((i) => (i as { expected?: string }).expected).filter(Boolean))];
    return [{ code: 'invalid_type', expected: expected.join(' or ') as 'string', path: issue.path, message: issue.message, ...(input === undefined ? {} : { input }) } as z.core.$ZodIssue];
  }
  return fitting[0]!.flatMap((i) => unwrapUnion({ ...i, path: [...issue.path, ...i.path] } as z.core.$ZodIssue));
}

// ---- the keys a schema allows at a path (for did-you-mean on unknown keys) ----------------

interface Def { type: string; innerType?: Schema; in?: Schema; shape?: Record<string, Schema>; element?: Schema; valueType?: Schema; keyType?: Schema; options?: Schema[]; entries?: Record<string, string> }
interface Schema { _zod: { def: Def } }

function unwrap(s: Schema): Schema {
  for (;;) {
    const d = s._zod.def;
    if (d.innerType !== undefined) s = d.innerType;
    else if (d.type === 'pipe' && d.in !== undefined) s = d.in;
    else return s;
  }
}

/** Picks the union member whose object shape fits `input` best (a discriminated channel by its `type`). */
function member(options: Schema[], input: unknown): Schema | undefined {
  const objects = options.map(unwrap).filter((o) => o._zod.def.type === 'object' || o._zod.def.type === 'record');
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const typed = objects.find((o) => {
      const t = o._zod.def.shape?.type as unknown as { _zod?: { def?: { values?: unknown[] } } } | undefined;
      return t?._zod?.def?.values?.includes((input as { type?: unknown }).type);
    });
    if (typed) return typed;
  }
  return objects[0];
}

function keysAt(schema: z.ZodType, path: readonly PropertyKey[], input: unknown): string[] {
  let s: Schema | undefined = unwrap(schema as unknown as Schema);
  for (const k of path) {
    const d: Def = s._zod.def;
    s = d.type === 'object' ? d.shape?.[String(k)]
      : d.type === 'array' ? d.element
        : d.type === 'record' ? d.valueType
          : d.type === 'union' ? member(d.options ?? [], undefined) : undefined;
    if (s === undefined) return [];
    s = unwrap(s);
  }
  let d = s._zod.def;
  if (d.type === 'union') {
    const m = member(d.options ?? [], input);
    if (m === undefined) return [];
    d = m._zod.def;
  }
  if (d.type === 'object') return Object.keys(d.shape ?? {});
  if (d.type === 'record' && d.keyType !== undefined) return Object.keys(unwrap(d.keyType)._zod.def.entries ?? {});
  return [];
}

// ---- wording -----------------------------------------------------------------------------

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'a map' : String(v);
}

function article(expected: string): string {
  return expected.split(' or ').map((e) => (/^[aeiou]/.test(e) ? `an ${e}` : `a ${e}`)).join(' or ');
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) { best = c; bestD = d; }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
