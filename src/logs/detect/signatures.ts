// The shape of a signature, and the index of every built-in web rule. The rules themselves live in
// attacks/ (one file per attack family), probes.ts (sensitive paths) and scanners.ts (user agents).
// Every pattern is linear on hostile input: no nested or adjacent overlapping quantifiers, and
// open-ended scans are bounded. test/logs/detect/linear-time.test.ts times each on 64 KB strings.
import { CODE } from './attacks/code.js';
import { COMMAND_RULES } from './attacks/command.js';
import { RFI, RFI_PARAMETER } from './attacks/rfi.js';
import { SQLI_RULES } from './attacks/sqli/judge.js';
import { TRAVERSAL, TRAVERSAL_RAW } from './attacks/traversal.js';
import { XSS } from './attacks/xss.js';
import { ENTRY_POINT, SENSITIVE_FILE } from './probes.js';
import { PHP_FINGERPRINT, SCANNER_AGENT } from './scanners.js';
import { BAD_BOT_RULE } from './bad-bots.js';
import { BAD_REQUEST_RULES } from './server-reports.js';

export interface Signature {
  /** Rule name reported in events. */
  rule: string;
  re: RegExp;
}

/** First matching signature's rule name, or null. */
export function firstMatch(sigs: readonly Signature[], value: string): string | null {
  for (const s of sigs) if (s.re.test(value)) return s.rule;
  return null;
}

/** NoSQL operator injection: user[$ne]=x, password[$gt]=, {"$where": ...} in a JSON body, `|| this.x` in a $where. */
export const NOSQL_OPERATOR: Signature = {
  rule: 'sqli-nosql-operator',
  re: /\[\$(?:ne|eq|gt|gte|lt|lte|in|nin|regex|where|exists|expr|or|and|not|nor|elemMatch|text|function|accumulator|jsonSchema|type|mod|size|all|options)\]|^\$(?:ne|eq|gt|gte|lt|lte|in|nin|regex|where|exists|expr|or|and|not|nor|elemMatch|text|function|accumulator|jsonSchema)$|(?:\|\||&&)\s*this\s*\.\s*\w/,
};

/** Every regex signature, for the linear-time test. */
export const ALL_SIGNATURES: readonly Signature[] = [
  ...XSS, ...TRAVERSAL, TRAVERSAL_RAW, ...RFI, RFI_PARAMETER, ...CODE, ...SENSITIVE_FILE, ...ENTRY_POINT, SCANNER_AGENT, PHP_FINGERPRINT, NOSQL_OPERATOR,
];

/** Every built-in rule name an event can carry (the rule-fixture test requires a positive sample of each). */
export const BUILTIN_RULES: readonly string[] = [
  'tagged', ...SQLI_RULES, NOSQL_OPERATOR.rule, ...XSS.map((s) => s.rule), ...TRAVERSAL.map((s) => s.rule), TRAVERSAL_RAW.rule,
  ...RFI.map((s) => s.rule), RFI_PARAMETER.rule, ...COMMAND_RULES, ...CODE.map((s) => s.rule), 'php-upload',
  ...SENSITIVE_FILE.map((s) => s.rule), ...ENTRY_POINT.map((s) => s.rule), SCANNER_AGENT.rule, PHP_FINGERPRINT.rule, BAD_BOT_RULE, ...BAD_REQUEST_RULES,
  'probes', 'brute-force-ip', 'brute-force-user', 'credential-stuffing', 'breached-password', 'new-ip-login', 'account-change',
];
