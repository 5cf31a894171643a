// fail2ban's annotated sample logs (test/fixtures/third-party/fail2ban) run through `scan --explain`'s
// code path, line by line. Each `# failJSON:` annotation says whether the next line must match and
// from which host; `# filterOptions:` says in which filter modes. What bulwark counts as in scope, and
// every line it leaves out or adds, with the reason, is data: scope.json in the same folder.
// Used by test/logs/detect/fail2ban-suites.test.ts (the bounds) and bench/quality.ts (the table).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { securitySchema } from '../src/config/schema/security.js';
import { scanFiles } from '../src/logs/scan.js';
import type { ExplainRow } from '../src/logs/explain.js';
import { normaliseIp } from '../src/logs/parse/ip.js';
import { repoRoot } from './repo-root.js';

/** Kinds a login feeds; a web suite's line matches when it feeds any other kind. */
const AUTH_KINDS = new Set(['brute-force', 'credential-stuffing', 'new-ip-login', 'account-change']);

export interface SuiteScope {
  /** Fixture file name (= fail2ban filter name, for `name == '...'` conditions). */
  file: string;
  /** What a matching line is for bulwark: a failed login, or a request that feeds a web detection kind. */
  expect: 'auth-failure' | 'attack';
  /** fail2ban filter modes in scope; `default` is a block without a mode. */
  modes: string[];
  /** fail2ban-regex argument for the comparison (a filter in /etc/fail2ban/filter.d, maybe with [mode=...]). */
  fail2banFilter: string;
  /** The acceptance bound on recall (issue 11: 0.95 for sshd, 0.9 for the others). */
  minRecall: number;
  /** Lines outside the modes in scope that are clearly failures anyway (exact log line -> reason). */
  include?: Record<string, string>;
  /** Lines in scope that bulwark does not judge like fail2ban (exact log line -> reason). */
  exclude?: Record<string, string>;
  /** Set while the bound waits for work elsewhere (the reason); the suite is measured, not asserted. */
  pending?: string;
}

export interface Fail2banCase {
  suite: string;
  /** 1-based line number in the fixture file. */
  lineNo: number;
  line: string;
  match: boolean;
  /** The annotated host when it is a valid address, normalised; null when none is annotated. */
  host: string | null;
  /** Why the case is not judged (out of scope, excluded), or null when it is. */
  skip: string | null;
  /** Why an out-of-scope line is judged anyway (scope.json include), or null. */
  included: string | null;
  /** What bulwark made of the line. */
  row: ExplainRow | null;
}

export interface SuiteResult {
  suite: string;
  expect: SuiteScope['expect'];
  minRecall: number;
  positives: number;
  hits: number;
  negatives: number;
  falsePositives: number;
  recall: number;
  cases: Fail2banCase[];
  /** scope.json entries that matched no line (stale). */
  unusedScope: string[];
}

export const FIXTURES = join(repoRoot(import.meta.dirname), 'test/fixtures/third-party/fail2ban');

export function loadScope(): SuiteScope[] {
  return (JSON.parse(readFileSync(join(FIXTURES, 'scope.json'), 'utf8')) as { suites: SuiteScope[] }).suites;
}

type Options = Record<string, unknown>;

/** The fail2ban filter a fixture tests (`sshd-journal` is the sshd filter on journal input). */
function filterName(scope: SuiteScope): string {
  return scope.fail2banFilter.replace(/\[.*$/, '');
}

// The three condition forms fail2ban's sample logs use; anything else is an error, not a guess.
function holds(condition: string, name: string, opts: Options): boolean {
  const c = condition.replace(/\s+/g, '');
  let m = /^name==['"]([\w-]+)['"]$/.exec(c);
  if (m) return m[1] === name;
  m = /^opts\.get\(['"]mode['"]\)(==|!=)['"](\w+)['"]$/.exec(c);
  if (m) return (opts.mode === m[2]) === (m[1] === '==');
  throw new Error(`fail2ban suite ${name}: unknown condition ${condition}`);
}

interface Annotation { match?: boolean; host?: string; ip4?: string; ip6?: string; constraint?: string }

/** Reads one fixture into cases (every annotated line) and the list of all log lines in order. */
function readFixture(scope: SuiteScope): { cases: Fail2banCase[]; lines: { lineNo: number; text: string }[] } {
  const text = readFileSync(join(FIXTURES, scope.file), 'utf8');
  const cases: Fail2banCase[] = [];
  const lines: { lineNo: number; text: string }[] = [];
  let fileOpts: Options = {};
  let blockOpts: Options[] = [{}];
  let pending: Annotation | null = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const directive = /^#\s*(failJSON|filterOptions|fileOptions|addFILE):\s*(.*)$/.exec(line);
    if (directive) {
      const value = JSON.parse(directive[2]!) as unknown;
      if (directive[1] === 'failJSON') pending = value as Annotation;
      else if (directive[1] === 'filterOptions') blockOpts = Array.isArray(value) ? (value as Options[]) : [value as Options];
      else if (directive[1] === 'fileOptions') fileOpts = value as Options;
      return;
    }
    if (line.startsWith('#') || line.trim() === '') return;
    lines.push({ lineNo: i + 1, text: line });
    if (pending === null) return;
    const a: Annotation = pending;
    pending = null;
    const hostText = a.host ?? a.ip4 ?? a.ip6;
    const inScope = blockOpts.some((o0) => {
      const o = { ...fileOpts, ...o0 };
      const cond = o['test.condition'];
      if (typeof cond === 'string' && !holds(cond, filterName(scope), o)) return false;
      const mode = typeof o.mode === 'string' ? o.mode : 'default';
      return scope.modes.includes(mode) && (a.constraint === undefined || holds(a.constraint, filterName(scope), o));
    });
    const included = !inScope && a.match === true ? scope.include?.[line] ?? null : null;
    let skip: string | null = null;
    if (!inScope && included === null) skip = `mode ${blockOpts.map((o) => String(o.mode ?? 'default')).join('/')} is out of scope`;
    else if (scope.exclude?.[line] !== undefined) skip = scope.exclude[line]!;
    else if (a.match === true && hostText !== undefined && isIP(hostText) === 0) {
      skip = `the annotated host "${hostText}" is a name or not a valid address (bulwark never blames a name)`;
    }
    cases.push({
      suite: scope.file, lineNo: i + 1, line, match: a.match === true,
      host: hostText === undefined ? null : normaliseIp(hostText), skip, included, row: null,
    });
  });
  return { cases, lines };
}

function matches(scope: SuiteScope, row: ExplainRow): boolean {
  return scope.expect === 'auth-failure' ? row.signal === 'auth-failure' : row.kinds.some((k) => !AUTH_KINDS.has(k));
}

/** Runs one suite: every log line of the fixture, in order, through scanFiles' explain path. */
export async function runSuite(scope: SuiteScope): Promise<SuiteResult> {
  const { cases, lines } = readFixture(scope);
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-f2b-'));
  const rows = new Map<number, ExplainRow>();
  try {
    const file = join(dir, scope.file);
    writeFileSync(file, lines.map((l) => l.text).join('\n') + '\n');
    await scanFiles({
      files: [file], format: 'auto', security: securitySchema.parse({}), onMatch: () => {},
      onLine: (row) => { rows.set(lines[row.lineNo - 1]!.lineNo, row); },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  let positives = 0;
  let hits = 0;
  let negatives = 0;
  let falsePositives = 0;
  for (const c of cases) {
    c.row = rows.get(c.lineNo) ?? null;
    if (c.skip !== null || c.row === null) continue;
    const got = matches(scope, c.row);
    if (c.match) {
      positives++;
      if (got && (c.host === null || c.row.ip === c.host)) hits++;
    } else {
      negatives++;
      if (got) falsePositives++;
    }
  }
  const used = new Set(cases.flatMap((c) => [c.line]));
  const unusedScope = [...Object.keys(scope.include ?? {}), ...Object.keys(scope.exclude ?? {})].filter((l) => !used.has(l));
  return {
    suite: scope.file, expect: scope.expect, minRecall: scope.minRecall, positives, hits, negatives, falsePositives,
    recall: positives === 0 ? 1 : hits / positives, cases, unusedScope,
  };
}

/** A judged case bulwark got wrong, for messages. */
export function describeMiss(c: Fail2banCase): string {
  const r = c.row;
  const got = r === null ? 'no row' : `signal ${r.signal}, ip ${r.ip}, kinds [${r.kinds.join(',')}]`;
  return `${c.suite}:${c.lineNo} expected ${c.match ? `a match from ${c.host ?? 'any host'}` : 'no match'}, got ${got}\n    ${c.line.slice(0, 200)}`;
}

export function misses(r: SuiteResult): Fail2banCase[] {
  return r.cases.filter((c) => {
    if (c.skip !== null || c.row === null) return false;
    const got = r.expect === 'auth-failure' ? c.row.signal === 'auth-failure' : c.row.kinds.some((k) => !AUTH_KINDS.has(k));
    return c.match ? !(got && (c.host === null || c.row.ip === c.host)) : got;
  });
}
