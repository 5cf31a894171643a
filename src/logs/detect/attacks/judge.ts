// One decoded value (a query value, a header, a body field, a user name) through every injection
// family. At most one finding per family per request: `found` carries what earlier parts of the
// same request already produced, so later parts skip those families.
import { firstMatch, NOSQL_OPERATOR } from '../signatures.js';
import { CODE } from './code.js';
import { judgeCommand } from './command.js';
import { RFI } from './rfi.js';
import { judgeSqli } from './sqli/judge.js';
import { TRAVERSAL, traversalForm } from './traversal.js';
import { XSS } from './xss.js';

export type InjectionKind = 'sqli' | 'xss' | 'traversal' | 'rfi' | 'command-injection' | 'code-injection';

export const enum Family { Sqli = 1, Xss = 2, Traversal = 4, Rfi = 8, Command = 16, Code = 32, All = 63 }

export interface Finding { kind: InjectionKind; rule: string }

/** A value made only of these (one word, a number, an id, an e-mail address) can match no rule... */
const PLAIN = /^[\w,.@+-]*$/;
/** ...unless it spells one of these. */
const PLAIN_TRIGGERS = /\.\.|__|\+AD[w0-9]-|constructor|\.internal\b|localhost|lvh\.me|localtest\.me/i;

/** Multi-line text (a post, a comment): code in ``` fences and `inline spans` is shown as code, not run. */
function withoutCode(value: string): string {
  return value.indexOf('`') < 0 ? value : value.replace(/```[^`]{0,100000}?```/g, ' ').replace(/`[^`\n]{1,500}`/g, ' ');
}

/** Judges `value` for each family not in `skip`; calls `report` once per new finding; returns the families found. */
export function judgeValue(value: string, skip: number, report: (f: Finding) => void): number {
  if (value.length === 0 || (PLAIN.test(value) && !PLAIN_TRIGGERS.test(value))) return 0;
  const v = /\n\s*\S/.test(value) ? withoutCode(value) : value;
  let found = 0;
  let rule: string | null;
  if (!(skip & Family.Sqli) && ((rule = judgeSqli(v)) !== null || (NOSQL_OPERATOR.re.test(v) && (rule = NOSQL_OPERATOR.rule)))) { found |= Family.Sqli; report({ kind: 'sqli', rule }); }
  if (!(skip & Family.Xss) && (rule = firstMatch(XSS, v)) !== null) { found |= Family.Xss; report({ kind: 'xss', rule }); }
  if (!(skip & Family.Traversal) && (rule = firstMatch(TRAVERSAL, traversalForm(v))) !== null) { found |= Family.Traversal; report({ kind: 'traversal', rule }); }
  if (!(skip & Family.Rfi) && (rule = firstMatch(RFI, v)) !== null) { found |= Family.Rfi; report({ kind: 'rfi', rule }); }
  if (!(skip & Family.Command) && (rule = judgeCommand(v)) !== null) { found |= Family.Command; report({ kind: 'command-injection', rule }); }
  if (!(skip & Family.Code) && (rule = firstMatch(CODE, v)) !== null) { found |= Family.Code; report({ kind: 'code-injection', rule }); }
  return found;
}
