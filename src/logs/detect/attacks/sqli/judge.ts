// Is this value SQL injection? The value is read the three ways an application may splice it into
// a query: bare (`WHERE id = <v>`), inside '...' and inside "..." (where its first quote closes the
// application's literal). What follows that break must then be SQL grammar an attacker writes:
// a boolean condition, UNION SELECT, a stacked statement, a comment that cuts the query, ORDER BY
// column probing. A few constructs are attacks wherever they stand (SLEEP(5), information_schema.x,
// extractvalue(...)). Prose with quotes and SQL words ("O'Brien", "select a plan", "rock 'n' roll
// or jazz") fails the grammar, which is the point.
import { comparison, Kind, KEYWORDS, operand, predicate, skipGroup, isWord, COMPARISON_OPS, type Predicate } from './grammar.js';
import { T, tokenize, type Token } from './tokens.js';

/** Without one of these, no rule below can match (the cheap test most values stop at). */
const SQL_GATE = /['"`;(#@:]|--|\/\*|\b(?:or|and|xor|union|select|order|group|having|waitfor|pg_sleep|information_schema|xp_cmdshell|create|alter|drop|insert|update|delete|truncate|declare|exec|execute)\b|&&|\|\|/i;

const LOGICAL_WORDS = new Set(['or', 'and', 'xor', 'div']);
const LOGICAL_OPS = new Set(['||', '&&']);
const CONCAT_OPS = new Set(['+', '-', '||', '|', '*', '/', '%', '&', '^']);

/** System catalogs and tables only an attacker asks an application for. */
const SCHEMA_NAMES = new Set(['information_schema', 'sysobjects', 'syscolumns', 'sysdatabases', 'sysusers', 'syslogins',
  'pg_catalog', 'pg_shadow', 'pg_user', 'pg_database', 'pg_tables', 'sqlite_master', 'sqlite_schema', 'sqlite_temp_master',
  'all_tables', 'all_tab_columns', 'user_tables', 'dba_users', 'dba_tables', 'msysaccessobjects', 'msysobjects',
  'performance_schema', 'mysql.user', 'master..sysdatabases', 'sys.databases', 'sys.tables', 'sys.objects']);
/** Functions of error-based and out-of-band injection; no application takes them from a user. */
const INJECTION_FUNCTIONS = new Set(['extractvalue', 'updatexml', 'load_file', 'xp_cmdshell', 'xp_dirtree', 'xp_regread',
  'xp_fileexist', 'sp_oacreate', 'sp_oamethod', 'sp_makewebtask', 'utl_http', 'utl_inaddr', 'name_const', 'lo_import',
  'lo_export', 'lo_get', 'pg_read_file', 'pg_ls_dir', 'pg_read_binary_file', 'sys_eval', 'sys_exec', 'dbms_xmlgen',
  'sqlite_compileoption_used', 'sqlite_compileoption_get', 'json_search', 'geometrycollection', 'multipoint', 'polygon',
  'linestring', 'multilinestring', 'multipolygon', 'exp', 'gtid_subset', 'gtid_subtract', 'st_latfromgeohash']);
/** Functions blind injection is built from: a lone call is only an attack after a break (see tail()). */
const SQL_FUNCTIONS = new Set(['sleep', 'benchmark', 'pg_sleep', 'ascii', 'ord', 'substring', 'substr', 'mid', 'char', 'chr',
  'concat', 'concat_ws', 'group_concat', 'length', 'len', 'count', 'if', 'iif', 'ifnull', 'isnull', 'nullif', 'coalesce',
  'version', 'database', 'user', 'current_user', 'system_user', 'session_user', 'schema', 'db_name', 'cast', 'convert',
  'hex', 'unhex', 'elt', 'rand', 'floor', 'instr', 'locate', 'position', 'left', 'right', 'md5', 'sha1', 'randomblob',
  'like', 'glob', 'unicode', 'make_set', 'field', 'strcmp', 'json', 'json_valid', 'json_extract', 'likelihood', 'unlikely',
  'starts_with', 'unistr', 'likely', 'regexp_like', 'regexp_substr', 'dbms_random', 'sysdate', 'now', 'exists', 'case', 'row', 'xmltype']);
const CAST_TYPES = new Set(['int', 'int2', 'int4', 'int8', 'integer', 'bigint', 'smallint', 'text', 'varchar', 'bool', 'boolean',
  'json', 'jsonb', 'numeric', 'float', 'double', 'bytea', 'regclass', 'oid']);

/** A comment that cuts the rest of the query: `--`, `#`, `-- -`, `--+`, `#xyz` (sqlmap's short tails), not "#2 CIRCULAR NEEDLE". */
function cutsQuery(tok: Token): boolean {
  return tok.v === '/*' || /^(?:--|#)(?:[\s\-+#]*|\s[a-z0-9]{1,4}\s*)$/i.test(tok.v);
}

/** SELECT's first item at `i` looks like a column list (`NULL`, `1`, `*`, `@@x`, `f(`, `a,` or `a FROM`). */
function selectList(toks: readonly Token[], i: number): boolean {
  let j = i;
  while (isWord(toks[j], 'all', 'distinct', 'distinctrow', 'top') || toks[j]?.t === T.Num && isWord(toks[j - 1], 'top')) j++;
  const tok = toks[j];
  if (tok === undefined) return false;
  if (tok.t === T.Num || tok.t === T.Str || tok.t === T.Var || tok.t === T.LParen || (tok.t === T.Op && tok.v === '*')) return true;
  if (tok.t === T.Op && tok.v === '@') return true;
  if (tok.t !== T.Word && tok.t !== T.Ident) return false;
  if (tok.v === 'null' || SQL_FUNCTIONS.has(tok.v) || INJECTION_FUNCTIONS.has(tok.v)) return true;
  const next = toks[j + 1];
  return next !== undefined && (next.t === T.LParen || next.t === T.Comma || next.t === T.Dot || isWord(next, 'from'));
}

/** A statement an attacker stacks after `;`. */
function statement(toks: readonly Token[], i: number): boolean {
  const tok = toks[i];
  if (tok === undefined || tok.t !== T.Word) return false;
  const next = toks[i + 1];
  switch (tok.v) {
    case 'select': return selectList(toks, i + 1);
    case 'insert': return isWord(next, 'into');
    case 'replace': return isWord(next, 'into') || (next?.t === T.Word && (toks[i + 2]?.t === T.LParen || isWord(toks[i + 2], 'values', 'select', 'set')));
    case 'update': return next !== undefined && (next.t === T.Word || next.t === T.Ident) && isWord(toks[i + 2], 'set');
    case 'delete': return isWord(next, 'from');
    case 'drop': case 'create': case 'alter': case 'truncate':
      return isWord(next, 'table', 'database', 'schema', 'view', 'procedure', 'function', 'index', 'user', 'trigger', 'temporary', 'or', 'login')
        || (tok.v === 'truncate' && next !== undefined && (next.t === T.Word || next.t === T.Ident || (next.t === T.Op && next.v === '[')));
    case 'exec': case 'execute': return next !== undefined && (next.t === T.Var || next.t === T.LParen || (next.t === T.Word && /^(?:xp_|sp_|master|immediate$)/.test(next.v)));
    case 'declare': return next?.t === T.Var;
    case 'set': return next?.t === T.Var;
    case 'shutdown': return next === undefined || next.t === T.Comment || next.t === T.Semi;
    case 'waitfor': return isWord(next, 'delay', 'time');
    case 'grant': case 'revoke': return next?.t === T.Word;
    case 'load': return isWord(next, 'data');
    case 'copy': return isWord(toks[i + 2], 'from', 'to');
    case 'call': return next?.t === T.Word && toks[i + 2]?.t === T.LParen;
    default: return false;
  }
}

/**
 * A statement that changes data or schema, or runs code, where a value belongs (CREATE FUNCTION ...,
 * ALTER TABLE ..., DECLARE @x). A plain SELECT is not one: SQL consoles and BI tools send those.
 */
function leadingStatement(toks: readonly Token[]): boolean {
  let i = 0;
  while (toks[i]?.t === T.Op || toks[i]?.t === T.RParen) i++;
  const tok = toks[i];
  const next = toks[i + 1];
  if (tok === undefined || tok.t !== T.Word) return false;
  switch (tok.v) {
    case 'create': case 'alter': case 'drop': {
      // CREATE TABLE t (...), CREATE FUNCTION f (...), ALTER TABLE t ADD ..., DROP TABLE t; not "create table wooden".
      const name = toks[i + 2];
      if (!isWord(next, 'table', 'function', 'procedure', 'database', 'schema', 'user', 'trigger', 'view', 'login', 'temporary')) return false;
      if (name === undefined || (name.t !== T.Word && name.t !== T.Ident) || KEYWORDS.has(name.v)) return false;
      const after = toks[i + 3];
      if (tok.v === 'create') return after?.t === T.LParen || isWord(after, 'as', 'returns');
      if (tok.v === 'alter') return isWord(after, 'add', 'drop', 'change', 'modify', 'rename', 'alter', 'character', 'convert', 'owner');
      return after === undefined || after.t === T.Semi || after.t === T.Comment;
    }
    case 'insert': return isWord(next, 'into') && toks[i + 2] !== undefined && toks[i + 3] !== undefined && (toks[i + 3]!.t === T.LParen || isWord(toks[i + 3], 'values', 'select'));
    case 'update': return next !== undefined && (next.t === T.Word || next.t === T.Ident) && isWord(toks[i + 2], 'set') && comparison(toks, i + 4) >= 0;
    case 'delete': return isWord(next, 'from') && (toks[i + 2]?.t === T.Word || toks[i + 2]?.t === T.Ident);
    case 'truncate': return isWord(next, 'table');
    case 'declare': return next?.t === T.Var;
    case 'exec': case 'execute': return next?.t === T.Var || (next?.t === T.LParen && toks[i + 2]?.t === T.Var) || (next?.t === T.Word && /^(?:xp_|sp_|master|immediate$)/.test(next.v));
    default: return false;
  }
}

/** Constructs that are injection wherever they stand in the value. */
function anywhere(toks: readonly Token[]): string | null {
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]!;
    const next = toks[i + 1];
    if (tok.t === T.Semi && statement(toks, i + 1)) return 'sqli-stacked-query';
    if (tok.t === T.Var && tok.v.startsWith('@@')) return 'sqli-schema-probe';
    // password::int at the start of the value: a column cast to force a conversion error (Postgres).
    if ((i === 0 || toks[i - 1]!.t === T.Op) && tok.t === T.Word && next?.t === T.Op && next.v === '::' && CAST_TYPES.has(toks[i + 2]?.v ?? '')) return 'sqli-function-probe';
    // count(*),concat(...floor(rand(0)*2)...): the "duplicate entry" error-based double query.
    if (isWord(tok, 'count') && next?.t === T.LParen && toks[i + 2]?.v === '*' && toks[i + 3]?.t === T.RParen && toks[i + 4]?.t === T.Comma && isWord(toks[i + 5], 'concat')) return 'sqli-function-probe';
    if (isWord(tok, 'floor') && next?.t === T.LParen && isWord(toks[i + 2], 'rand') && toks[i + 3]?.t === T.LParen) return 'sqli-function-probe';
    // '{"a":1}'::jsonb, 'x'::int: a cast only SQL writes.
    if ((tok.t === T.Str || tok.t === T.Ident) && next?.t === T.Op && next.v === '::' && CAST_TYPES.has(toks[i + 2]?.v ?? '')) return 'sqli-function-probe';
    // 1.e(ascii ...), 1.e.tables: MySQL's scientific-notation separator trick.
    if (tok.t === T.Num && /^\d+\.e$/i.test(tok.v) && (next?.t === T.LParen || next?.t === T.Dot || next?.t === T.Word)) return 'sqli-function-probe';
    if (tok.t !== T.Word && tok.t !== T.Ident) continue;
    const v = tok.v;
    if (v === 'union' || v === 'except' || v === 'intersect') {
      let j = i + 1;
      while (isWord(toks[j], 'all', 'distinct', 'distinctrow') || toks[j]?.t === T.LParen) j++;
      if ((isWord(toks[j], 'select') && selectList(toks, j + 1)) || (isWord(toks[j], 'values') && toks[j + 1]?.t === T.LParen)) return 'sqli-union-select';
      continue;
    }
    if (next?.t === T.LParen) {
      const arg = toks[i + 2];
      // time.sleep(5), Thread.sleep(1000) are other languages; SQL never calls sleep as a method ('.sleep(12).' is PHP concatenation).
      const method = toks[i - 1]?.t === T.Dot && (toks[i - 2]?.t === T.Word || toks[i - 2]?.t === T.Ident);
      if ((v === 'sleep' || v === 'pg_sleep') && !method && arg !== undefined && arg.t !== T.RParen && !(arg.t === T.Word && !/^\d/.test(arg.v) && toks[i + 3]?.t === T.RParen)) return 'sqli-time-delay';
      if (v === 'benchmark') {
        const end = skipGroup(toks, i + 1);
        for (let j = i + 2; j < end; j++) if (toks[j]!.t === T.Comma) return 'sqli-time-delay';
      }
      if (INJECTION_FUNCTIONS.has(v)) return 'sqli-function-probe';
      // ascii(substring(...)), ord(mid(...)): blind extraction one character at a time.
      if ((v === 'ascii' || v === 'ord' || v === 'unicode') && isWord(arg, 'substring', 'substr', 'mid', 'left', 'right', 'lower', 'upper')) return 'sqli-function-probe';
      // char(113)+char(118), chr(97)||chr(98): strings built without quotes.
      if ((v === 'char' || v === 'chr') && arg?.t === T.Num) {
        const end = skipGroup(toks, i + 1);
        let commas = 0;
        for (let j = i + 2; j < end; j++) if (toks[j]!.t === T.Comma) commas++;
        const after = toks[end];
        if (commas >= 2 || (after?.t === T.Op && (after.v === '||' || after.v === '+') && isWord(toks[end + 1], 'char', 'chr'))) return 'sqli-concatenation';
      }
      if ((v === 'concat' || v === 'concat_ws' || v === 'group_concat' || v === 'make_set') && arg?.t === T.Num && /^0x/i.test(arg.v)) return 'sqli-function-probe';
    }
    if (v === 'pg_sleep') return 'sqli-time-delay';
    if (v === 'waitfor' && isWord(next, 'delay', 'time') && (toks[i + 2]?.t === T.Str || toks[i + 2]?.t === T.OpenStr || toks[i + 2]?.t === T.Num)) return 'sqli-time-delay';
    if ((v === 'dbms_pipe' || v === 'dbms_lock') && next?.t === T.Dot) return 'sqli-time-delay';
    if (v === 'xp_cmdshell') return 'sqli-function-probe';
    if ((v === 'exec' || v === 'execute') && next?.t === T.Word && /^(?:master|xp_|sp_|immediate$)/.test(next.v)) return 'sqli-function-probe';
    if (v === 'convert' && next?.t === T.LParen && isWord(toks[i + 2], 'int', 'char', 'varchar', 'nvarchar') && toks[i + 3]?.t === T.Comma) return 'sqli-function-probe';
    if (v === 'into' && isWord(next, 'outfile', 'dumpfile')) return 'sqli-function-probe';
    if (v === 'procedure' && isWord(next, 'analyse', 'analyze')) return 'sqli-function-probe';
    if (SCHEMA_NAMES.has(v) && (next?.t === T.Dot || isWord(toks[i - 1], 'from', 'join'))) return 'sqli-schema-probe';
    if ((v === 'mysql' || v === 'sys' || v === 'master') && next?.t === T.Dot && SCHEMA_NAMES.has(`${v}.${toks[i + 2]?.v ?? ''}`)) return 'sqli-schema-probe';
    // Postgres error-based: a call or column cast to a type (unistr(password)::int).
    if (next?.t === T.LParen) {
      const end = skipGroup(toks, i + 1);
      if (toks[end]?.t === T.Op && toks[end]!.v === '::' && CAST_TYPES.has(toks[end + 1]?.v ?? '')) return 'sqli-function-probe';
    }
  }
  return null;
}

function acceptPredicate(p: Predicate, toks: readonly Token[], quoted: boolean): boolean {
  const after = toks[p.end];
  const ends = after === undefined || after.t === T.Comment || after.t === T.Semi || after.t === T.RParen;
  const { left, right } = p;
  if (right.kind === Kind.None) {
    if (left.kind === Kind.Subquery) return true;
    if (left.kind === Kind.Call) return SQL_FUNCTIONS.has(left.text) || INJECTION_FUNCTIONS.has(left.text);
    if (!ends) return false;
    if (quoted) return left.kind === Kind.Num || left.kind === Kind.Bool || left.kind === Kind.Var || left.kind === Kind.Paren;
    return (left.kind === Kind.Num || left.kind === Kind.Bool) && after?.t === T.Comment;
  }
  if (left.kind === Kind.Name && right.kind === Kind.Name) return left.text === right.text || (quoted && ends);
  return true;
}

/** What follows the break: the attacker's SQL, if any. `quoted`: the break was a closing quote. */
function tail(toks: readonly Token[], start: number, quoted: boolean, breakEnd = -1, bareBreak = false): string | null {
  let j = start;
  while (toks[j]?.t === T.RParen) j++;
  const tok = toks[j];
  if (tok === undefined) return null;
  const next = toks[j + 1];
  if (tok.t === T.Comment) return quoted && bareBreak && cutsQuery(tok) ? 'sqli-comment-terminator' : null;
  if (quoted && isWord(tok, 'notnull', 'isnull') && (next === undefined || next.t === T.Comment || next.t === T.Semi)) return 'sqli-boolean';
  if (tok.t === T.Semi) return quoted && bareBreak && toks[j + 1]?.t === T.Comment && cutsQuery(toks[j + 1]!) ? 'sqli-comment-terminator' : null;
  if ((tok.t === T.Word && LOGICAL_WORDS.has(tok.v)) || (tok.t === T.Op && LOGICAL_OPS.has(tok.v))) {
    const p = predicate(toks, j + 1);
    if (p !== null && acceptPredicate(p, toks, quoted)) return 'sqli-boolean';
    // a'or'a, \'or'1: quotes hugging the operator (prose has spaces: "parents' or yours").
    const lit = toks[j + 1];
    if (quoted && bareBreak && tok.i === breakEnd && lit !== undefined && (lit.t === T.Str || lit.t === T.OpenStr || lit.t === T.Ident) && lit.i === tok.i + tok.v.length) return 'sqli-boolean';
    return null;
  }
  if (isWord(tok, 'having')) {
    const p = predicate(toks, j + 1);
    return p !== null && p.right.kind !== Kind.None ? 'sqli-boolean' : null;
  }
  if (isWord(tok, 'order', 'group') && isWord(next, 'by')) {
    const col = toks[j + 2];
    if (col?.t === T.Num) return 'sqli-order-by';
    if (quoted && col !== undefined && (col.t === T.Word || col.t === T.Ident) && !KEYWORDS.has(col.v)) return 'sqli-order-by';
    return null;
  }
  const cmp = comparison(toks, j);
  if (cmp >= 0) {
    const right = operand(toks, cmp);
    if (right.kind === Kind.Subquery || (right.kind === Kind.Call && (SQL_FUNCTIONS.has(right.text) || INJECTION_FUNCTIONS.has(right.text)))) return 'sqli-boolean';
    // admin'='admin, x' = 'x, 'glob 1;: a comparison the application's own quote completes, or that a comment ends.
    if (quoted && ((right.kind === Kind.OpenStr && tok.t === T.Op) || (right.kind !== Kind.None && right.end < toks.length && (toks[right.end]!.t === T.Semi || toks[right.end]!.t === T.Comment)))) return 'sqli-boolean';
    return null;
  }
  if (tok.t === T.Op && CONCAT_OPS.has(tok.v)) {
    const right = operand(toks, j + 1);
    if (right.kind === Kind.Subquery || (right.kind === Kind.Call && (SQL_FUNCTIONS.has(right.text) || INJECTION_FUNCTIONS.has(right.text)))) return 'sqli-concatenation';
    // x'|email--, '/**/*2--: an expression on a column, then the rest of the query cut.
    if (quoted && right.kind !== Kind.None && toks[right.end]?.t === T.Comment && cutsQuery(toks[right.end]!)) return 'sqli-concatenation';
    return null;
  }
  // user'collate nocase--, x' limit 1#: a clause, then a comment that drops the rest of the query.
  if (quoted && tok.t === T.Word && KEYWORDS.has(tok.v)) {
    for (let k = j + 1; k < toks.length; k++) if (toks[k]!.t === T.Comment && cutsQuery(toks[k]!)) return 'sqli-comment-terminator';
  }
  return null;
}

/** 'x'!='y, '{..}' < '$.c' = 7: a literal compared with a literal, the application's quote closing the last. */
function literalComparison(toks: readonly Token[], i: number): boolean {
  const op = toks[i];
  if (op?.t !== T.Op || !COMPARISON_OPS.has(op.v)) return false;
  const right = toks[i + 1];
  return right !== undefined && (right.t === T.OpenStr || ((right.t === T.Str || right.t === T.Num) && (i + 2 === toks.length || toks[i + 2]!.t === T.Op)));
}

/**
 * The break ends a single token (admin', root@example.com', a'): the shape of a login or id field.
 * "BAMBOO SOAP 1 '#" and "select 'and'" are text typed with quotes.
 */
function bare(v: string, quote: number): boolean {
  return quote > 0 && !/\s/.test(v.slice(0, quote));
}

/** Index of the first quote `q` in `v` that ends a literal: standard SQL (a doubled quote is an escaped one). */
function breakAt(v: string, q: string): number {
  let i = v.indexOf(q);
  while (i >= 0 && v[i + 1] === q) i = v.indexOf(q, i + 2);
  return i;
}

/** The same for MySQL, where a backslash escapes the quote and a doubled quote is not needed. */
function mysqlBreakAt(v: string, q: string): number {
  for (let i = v.indexOf(q); i >= 0; i = v.indexOf(q, i + 1)) {
    let slashes = 0;
    while (i - 1 - slashes >= 0 && v.charCodeAt(i - 1 - slashes) === 92) slashes++;
    if (slashes % 2 === 0) return i;
  }
  return -1;
}

/** The rule name when `value` (decoded) is SQL injection, else null. */
export function judgeSqli(value: string): string | null {
  if (!SQL_GATE.test(value)) return null;
  // MySQL executable comments: /*!50000select*/, /*!32302 1/0, */ (version probing).
  if (/\/\*[!+]\s*!?(?:\d{5}|\d{0,5}\s*(?:select|union|from|where|and|or|insert|update|delete|drop|concat)\b)/i.test(value)) return 'sqli-inline-comment';
  const raw = tokenize(value);
  let r = anywhere(raw);
  if (r !== null) return r;
  if (leadingStatement(raw)) return 'sqli-statement';
  const lead = operand(raw, 0);
  r = tail(raw, lead.kind === Kind.None ? 0 : lead.end, false);
  if (r !== null) return r;
  if (lead.kind === Kind.Str && literalComparison(raw, lead.end)) return 'sqli-boolean';
  if (lead.kind === Kind.Num && raw[lead.end]?.t === T.Word && LOGICAL_WORDS.has(raw[lead.end]!.v) && isWord(raw[lead.end + 1], 'true') && raw.length === lead.end + 2) return 'sqli-boolean';
  for (const q of ["'", '"', '`']) {
    const i = breakAt(value, q);
    if (i < 0) continue;
    let toks = tokenize(value, i + 1);
    r = anywhere(toks) ?? tail(toks, 0, true, i + 1, bare(value, i));
    if (r !== null) return r;
    const m = value.indexOf('\\') >= 0 ? mysqlBreakAt(value, q) : i;
    if (m !== i && m >= 0) {
      toks = tokenize(value, m + 1);
      r = anywhere(toks) ?? tail(toks, 0, true, m + 1, bare(value, m));
      if (r !== null) return r;
    }
  }
  return null;
}

/** Every rule name judgeSqli returns. */
export const SQLI_RULES: readonly string[] = ['sqli-boolean', 'sqli-statement', 'sqli-inline-comment', 'sqli-union-select', 'sqli-stacked-query', 'sqli-comment-terminator',
  'sqli-time-delay', 'sqli-order-by', 'sqli-concatenation', 'sqli-schema-probe', 'sqli-function-probe'];
