// SQL tokenizer for injection judgement: a value as the database would read it. Case is folded,
// comments and whitespace separate tokens (MySQL `/*!50000select*/` is read as code), strings and
// quoted identifiers are single tokens. Linear: one pass, at most MAX_TOKENS tokens.

export const enum T {
  Num, Str, /** a string the value leaves open (the application's own quote would close it) */ OpenStr,
  Word, /** `name` or [name] */ Ident, /** @x, @@version */ Var, Op, LParen, RParen, Comma, Semi, Dot, Comment,
}

export interface Token {
  t: T;
  v: string;
  /** Offset of the token's first character in the value. */
  i: number;
}

export const MAX_TOKENS = 256;

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0;
}

// Longest first: `<=>` before `<=` before `<`.
const OPERATORS = ['<=>', '->>', '#>>', '!~*', '<>', '!=', '<=', '>=', '==', '||', '&&', '::', '->', '#>', '#-', '@>', '<@', '?|', '?&',
  '@?', '@@', '<<', '>>', ':=', '!~', '~*', '=', '<', '>', '!', '|', '&', '^', '~', '+', '-', '*', '/', '%', '?', ':', '[', ']', '\\'];

/** Tokens of `s` from `start` (the first character after a quote break, or 0). */
export function tokenize(s: string, start = 0): Token[] {
  const out: Token[] = [];
  const n = s.length;
  let i = start;
  while (i < n && out.length < MAX_TOKENS) {
    const c = s.charCodeAt(i);
    if (isSpace(c)) { i++; continue; }
    // Comments: /*! executable */ is code; /* */ separates; --, # run to the end of the line.
    if (c === 47 /* / */ && s.charCodeAt(i + 1) === 42 /* * */) {
      if (s.charCodeAt(i + 2) === 33 /* ! */) {
        i += 3;
        while (i < n && isDigit(s.charCodeAt(i))) i++;
        continue;
      }
      const end = s.indexOf('*/', i + 2);
      if (end < 0) { out.push({ t: T.Comment, v: '/*', i }); break; }
      i = end + 2;
      continue;
    }
    if (c === 42 /* * */ && s.charCodeAt(i + 1) === 47 /* / */) { i += 2; continue; } // end of /*! ... */
    const hashOp = c === 35 /* # */ && (s.charCodeAt(i + 1) === 62 /* > */ || s.charCodeAt(i + 1) === 45 /* - */);
    if ((c === 45 /* - */ && s.charCodeAt(i + 1) === 45) || (c === 35 && !hashOp)) {
      // A comment that cuts the rest of the query is a token; one the next line continues is whitespace.
      const eol = s.indexOf('\n', i);
      if (eol < 0) { out.push({ t: T.Comment, v: s.slice(i), i }); break; }
      i = eol + 1;
      continue;
    }
    if (c === 39 /* ' */ || c === 34 /* " */) {
      // SQL doubles a quote to escape it; a backslash before the quote is read as ending the
      // string (standard SQL), which also catches the MySQL-escape probes.
      let j = i + 1;
      for (;;) {
        j = s.indexOf(s[i]!, j);
        if (j < 0 || s.charCodeAt(j + 1) !== c) break;
        j += 2;
      }
      if (j < 0) { out.push({ t: T.OpenStr, v: s.slice(i + 1), i }); break; }
      out.push({ t: T.Str, v: s.slice(i + 1, j), i });
      i = j + 1;
      continue;
    }
    if (c === 96 /* ` */) {
      const j = s.indexOf('`', i + 1);
      out.push({ t: T.Ident, v: s.slice(i + 1, j < 0 ? n : j).toLowerCase(), i });
      i = j < 0 ? n : j + 1;
      continue;
    }
    if (isDigit(c) || (c === 46 /* . */ && isDigit(s.charCodeAt(i + 1)))) {
      let j = i + 1;
      const x = s.charCodeAt(i + 1) | 32;
      if (c === 48 && (x === 120 /* x */ || x === 98 /* b */)) {
        j = i + 2;
        while (j < n && isWordChar(s.charCodeAt(j))) j++;
      } else {
        while (j < n && (isDigit(s.charCodeAt(j)) || s.charCodeAt(j) === 46)) j++;
        if ((s.charCodeAt(j) | 32) === 101 /* e */) {
          j++;
          if (s.charCodeAt(j) === 43 || s.charCodeAt(j) === 45) j++;
          while (j < n && isDigit(s.charCodeAt(j))) j++;
        }
      }
      // 1abc is one word to a human reader (a slug, an id), not a number then a word.
      if (j < n && isWordChar(s.charCodeAt(j)) && !(c === 48 && (x === 120 || x === 98))) {
        while (j < n && isWordChar(s.charCodeAt(j))) j++;
        out.push({ t: T.Word, v: s.slice(i, j).toLowerCase(), i });
      } else out.push({ t: T.Num, v: s.slice(i, j), i });
      i = j;
      continue;
    }
    if (isWordChar(c)) {
      let j = i + 1;
      while (j < n && isWordChar(s.charCodeAt(j))) j++;
      out.push({ t: T.Word, v: s.slice(i, j).toLowerCase(), i });
      i = j;
      continue;
    }
    if (c === 64 /* @ */ && (isWordChar(s.charCodeAt(i + 1)) || (s.charCodeAt(i + 1) === 64 && isWordChar(s.charCodeAt(i + 2))))) {
      let j = s.charCodeAt(i + 1) === 64 ? i + 2 : i + 1;
      while (j < n && (isWordChar(s.charCodeAt(j)) || s.charCodeAt(j) === 46)) j++;
      out.push({ t: T.Var, v: s.slice(i, j).toLowerCase(), i });
      i = j;
      continue;
    }
    if (c === 40 || c === 123) { out.push({ t: T.LParen, v: '(', i }); i++; continue; } // ODBC {fn ...} reads as parens
    if (c === 41 || c === 125) { out.push({ t: T.RParen, v: ')', i }); i++; continue; }
    if (c === 44) { out.push({ t: T.Comma, v: ',', i }); i++; continue; }
    if (c === 59) { out.push({ t: T.Semi, v: ';', i }); i++; continue; }
    if (c === 46) { out.push({ t: T.Dot, v: '.', i }); i++; continue; }
    let op = '';
    for (const o of OPERATORS) if (s.startsWith(o, i)) { op = o; break; }
    if (op === '') op = s[i]!;
    out.push({ t: T.Op, v: op, i });
    i += op.length;
  }
  return out;
}
