// Small SQL grammar over tokens: operands (literals, names, calls, subqueries, casts, arithmetic)
// and predicates (`a = b`, `x LIKE y`, `n IS NULL`, `a BETWEEN b AND c`, `x IN (...)`). Every step
// moves forward, and nesting is skipped by counting parentheses, so judging stays linear.
import { T, type Token } from './tokens.js';

export const enum Kind { None, Num, Str, OpenStr, Name, Var, Call, Subquery, Paren, Bool }

export interface Operand {
  kind: Kind;
  /** Index just after the operand. */
  end: number;
  /** Lower-cased name (Name, Call) or literal text. */
  text: string;
}

const NONE: Operand = { kind: Kind.None, end: -1, text: '' };

/** Words that end or join clauses: never an operand. */
export const KEYWORDS = new Set(['select', 'union', 'from', 'where', 'and', 'or', 'xor', 'not', 'like', 'rlike', 'regexp',
  'in', 'is', 'order', 'group', 'by', 'having', 'limit', 'offset', 'case', 'when', 'then', 'else', 'end', 'insert', 'into',
  'values', 'update', 'set', 'delete', 'drop', 'create', 'alter', 'truncate', 'exec', 'execute', 'declare', 'waitfor',
  'delay', 'procedure', 'all', 'distinct', 'distinctrow', 'as', 'join', 'between', 'collate', 'escape', 'div', 'mod',
  'glob', 'match', 'against', 'sounds', 'similar', 'to', 'exists', 'any', 'some', 'on', 'using', 'into', 'outfile', 'dumpfile']);
const BOOLS = new Set(['true', 'false', 'null', 'unknown']);
/** Clause words that take parentheses without being calls: `IN (`, `VALUES (`, `EXISTS (`. */
const STRUCTURAL = new Set(['select', 'union', 'from', 'where', 'in', 'values', 'and', 'or', 'xor', 'not', 'exists', 'when', 'then',
  'else', 'as', 'on', 'using', 'into', 'join', 'by', 'having', 'all', 'any', 'some', 'between', 'is', 'case', 'end', 'limit']);
const ARITH = new Set(['+', '-', '*', '/', '%', '||', '|', '&', '^', '<<', '>>', '->', '->>', '#>', '#>>', '#-']);
export const COMPARISON_OPS = new Set(['=', '==', '<>', '!=', '<', '>', '<=', '>=', '<=>', '@>', '<@', '?', '?|', '?&', '@?', '@@', '~', '~*', '!~', '!~*']);
const COMPARISON_WORDS = new Set(['like', 'rlike', 'regexp', 'glob', 'match', 'ilike', 'similar', 'sounds']);

/** Index after the parenthesis group opening at `i` (or the end, if it never closes). */
export function skipGroup(toks: readonly Token[], i: number): number {
  let depth = 0;
  for (let j = i; j < toks.length; j++) {
    const t = toks[j]!.t;
    if (t === T.LParen) depth++;
    else if (t === T.RParen && --depth === 0) return j + 1;
  }
  return toks.length;
}

/** True when a SELECT appears in toks[from, to). */
function hasSelect(toks: readonly Token[], from: number, to: number): boolean {
  for (let j = from; j < to; j++) if (toks[j]!.t === T.Word && toks[j]!.v === 'select') return true;
  return false;
}

export function isWord(tok: Token | undefined, ...words: string[]): boolean {
  return tok !== undefined && tok.t === T.Word && words.includes(tok.v);
}

/** One primary operand at `i`: a literal, a name, a call, a parenthesised expression or subquery, CASE ... END. */
function primary(toks: readonly Token[], i: number): Operand {
  let j = i;
  while (j < toks.length && toks[j]!.t === T.Op && (toks[j]!.v === '-' || toks[j]!.v === '+' || toks[j]!.v === '!' || toks[j]!.v === '~')) j++;
  if (isWord(toks[j], 'not', 'binary')) j++;
  const tok = toks[j];
  if (tok === undefined) return NONE;
  switch (tok.t) {
    case T.Num: return { kind: Kind.Num, end: j + 1, text: tok.v };
    case T.Str: return { kind: Kind.Str, end: j + 1, text: tok.v };
    case T.OpenStr: return { kind: Kind.OpenStr, end: j + 1, text: tok.v };
    case T.Var: return { kind: Kind.Var, end: j + 1, text: tok.v };
    case T.Ident: return { kind: Kind.Name, end: j + 1, text: tok.v };
    case T.LParen: {
      const end = skipGroup(toks, j);
      return { kind: hasSelect(toks, j, end) ? Kind.Subquery : Kind.Paren, end, text: '' };
    }
    case T.Word: {
      if (tok.v === 'case' && isWord(toks[j + 1], 'when')) {
        let k = j + 1;
        while (k < toks.length && !isWord(toks[k], 'end')) k++;
        return { kind: Kind.Call, end: Math.min(k + 1, toks.length), text: 'case' };
      }
      if (BOOLS.has(tok.v)) return { kind: Kind.Bool, end: j + 1, text: tok.v };
      // like(...), glob(...) are functions too (SQLite); clause words before `(` are not.
      if (toks[j + 1]?.t === T.LParen && !STRUCTURAL.has(tok.v)) {
        const end = skipGroup(toks, j + 1);
        return { kind: hasSelect(toks, j + 1, end) ? Kind.Subquery : Kind.Call, end, text: tok.v };
      }
      if (KEYWORDS.has(tok.v)) return NONE;
      return { kind: Kind.Name, end: j + 1, text: tok.v };
    }
    default: return NONE;
  }
}

/** An operand with its postfixes: qualified names (a.b), casts (::int), arithmetic chains (a + b). */
export function operand(toks: readonly Token[], i: number): Operand {
  let first = primary(toks, i);
  if (first.kind === Kind.None) return NONE;
  let end = first.end;
  for (let guard = 0; guard < 64; guard++) {
    const tok = toks[end];
    if (tok === undefined) break;
    if (tok.t === T.Dot && (toks[end + 1]?.t === T.Word || toks[end + 1]?.t === T.Ident)) {
      const next = primary(toks, end + 1);
      if (next.kind === Kind.Call || next.kind === Kind.Subquery) first = next;
      end = next.end;
      continue;
    }
    if (tok.t === T.Op && tok.v === '[') {
      // array[id], data['key']: a subscript.
      let k = end + 1;
      while (k < toks.length && !(toks[k]!.t === T.Op && toks[k]!.v === ']')) k++;
      if (k >= toks.length) break;
      end = k + 1;
      continue;
    }
    if (tok.t === T.Op && tok.v === '::' && toks[end + 1]?.t === T.Word) {
      end += 2;
      if (toks[end]?.t === T.LParen) end = skipGroup(toks, end);
      continue;
    }
    if ((tok.t === T.Op && ARITH.has(tok.v)) || isWord(tok, 'div', 'mod')) {
      const next = primary(toks, end + 1);
      if (next.kind === Kind.None) break;
      if (next.kind === Kind.Call || next.kind === Kind.Subquery) first = { ...next, end: next.end };
      end = next.end;
      continue;
    }
    break;
  }
  return { kind: first.kind, end, text: first.text };
}

/** Index after a comparison operator at `i` (`=`, `LIKE`, `IS NOT`, `NOT IN`, `SOUNDS LIKE`...), or -1. */
export function comparison(toks: readonly Token[], i: number): number {
  let j = i;
  if (isWord(toks[j], 'not')) j++;
  const tok = toks[j];
  if (tok === undefined) return -1;
  if (tok.t === T.Op && COMPARISON_OPS.has(tok.v)) return j + 1;
  if (tok.t === T.Word) {
    if (COMPARISON_WORDS.has(tok.v)) return isWord(toks[j + 1], 'like', 'to') ? j + 2 : j + 1;
    if (tok.v === 'is') return isWord(toks[j + 1], 'not') ? j + 2 : j + 1;
    if (tok.v === 'in' || tok.v === 'between') return j + 1;
  }
  return -1;
}

export interface Predicate {
  left: Operand;
  /** The right-hand operand, or NONE for a lone operand (`' OR 1--`, `' OR TRUE`). */
  right: Operand;
  end: number;
}

/** `a CMP b` or a lone operand at `i`, after optional NOT and opening parentheses. */
export function predicate(toks: readonly Token[], i: number): Predicate | null {
  let j = i;
  for (;;) {
    if (isWord(toks[j], 'not')) j++;
    else if (toks[j]?.t === T.LParen && primary(toks, j).kind !== Kind.Subquery) j++;
    else break;
  }
  if (isWord(toks[j], 'exists') && toks[j + 1]?.t === T.LParen) {
    const end = skipGroup(toks, j + 1);
    return { left: { kind: Kind.Subquery, end, text: 'exists' }, right: NONE, end };
  }
  const left = operand(toks, j);
  if (left.kind === Kind.None) return null;
  // email NOTNULL, id ISNULL: postfix tests (SQLite, Postgres).
  if (isWord(toks[left.end], 'notnull', 'isnull')) return { left, right: { kind: Kind.Bool, end: left.end + 1, text: 'null' }, end: left.end + 1 };
  const cmp = comparison(toks, left.end);
  if (cmp < 0) return { left, right: NONE, end: left.end };
  const between = isWord(toks[cmp - 1], 'between');
  // = ALL (SELECT ...), > ANY (...)
  const right = operand(toks, isWord(toks[cmp], 'all', 'any', 'some') && toks[cmp + 1]?.t === T.LParen ? cmp + 1 : cmp);
  if (right.kind === Kind.None) return null;
  let end = right.end;
  if (between && isWord(toks[end], 'and')) end = operand(toks, end + 1).end;
  // LIKE 'a%' ESCAPE '\'
  if (isWord(toks[end], 'escape') && toks[end + 1] !== undefined) end += 2;
  return { left, right, end: Math.max(end, right.end) };
}
