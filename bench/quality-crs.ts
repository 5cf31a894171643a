// Detection quality on the OWASP CRS regression tests (test/fixtures/third-party/crs, made by
// scripts/gen-crs-fixtures.ts): recall per family on the must-trigger tests, false positives on the
// no-trigger ones, for the access-log and the JSON-log rendering of each request.
// `node dist/bench/quality-crs.js` prints the section; bench/run.ts includes it in RESULTS.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { securitySchema } from '../src/config/schema/security.js';
import { Detector } from '../src/logs/detect/detector.js';
import { repoRoot } from './eval.js';

export interface CrsCase {
  test: string; rule: number; pl: number; family: string; expect: 'attack' | 'no-trigger';
  excluded?: string; access: number | null; json: number;
}

/** Event kinds that count as detecting each CRS family. */
export const FAMILY_KINDS: Record<string, readonly string[]> = {
  sqli: ['sqli'], xss: ['xss'], traversal: ['traversal', 'sensitive-file'], rfi: ['rfi'],
  'command-injection': ['command-injection'], scanner: ['scanner'],
  php: ['code-injection', 'command-injection', 'traversal'], generic: ['code-injection', 'command-injection', 'rfi', 'sqli'],
};
/** Families with a recall target (the others are measured). */
export const TARGET_FAMILIES = ['sqli', 'xss', 'traversal', 'rfi', 'command-injection', 'scanner'];
export const MIN_CRS_RECALL = 0.9;
/** Kinds of single-request web rules: any of them on a no-trigger line is a false positive. */
const WEB_KINDS = new Set(['sqli', 'xss', 'traversal', 'sensitive-file', 'rfi', 'command-injection', 'code-injection', 'scanner']);

export interface Verdict { c: CrsCase; log: 'access' | 'json'; kinds: string[]; rules: string[] }
export interface FamilyScore {
  family: string; log: 'access' | 'json' | 'both';
  attacks: number; detected: number; recall: number;
  /** All must-trigger tests, exclusions included (CRS's own reading). */
  rawAttacks: number; rawDetected: number;
  /** PL1 no-trigger tests not excluded, and how many fired. */
  negatives: number; falsePositives: number;
}

const DIR = join(repoRoot(), 'test/fixtures/third-party/crs');

export function loadCases(): CrsCase[] {
  return JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as CrsCase[];
}

/** Runs both logs through a fresh detector each (default config); one verdict per rendered line. */
export function judgeAll(cases = loadCases()): Verdict[] {
  const out: Verdict[] = [];
  for (const log of ['access', 'json'] as const) {
    const lines = readFileSync(join(DIR, log === 'access' ? 'access.log' : 'app.jsonl'), 'utf8').split('\n');
    const detector = new Detector(securitySchema.parse({}));
    const byLine = new Map<number, CrsCase>();
    for (const c of cases) {
      const n = log === 'access' ? c.access : c.json;
      if (n !== null) byLine.set(n, c);
    }
    lines.forEach((line, i) => {
      const c = byLine.get(i + 1);
      if (c === undefined) return;
      const events = detector.inspect({ app: 'crs', source: log, line, readAt: Date.UTC(2024, 11, 31) }, 'auto');
      const web = events.filter((e) => WEB_KINDS.has(e.kind) && e.rule !== 'probes');
      out.push({ c, log, kinds: [...new Set(web.map((e) => e.kind))], rules: web.map((e) => e.rule) });
    });
  }
  return out;
}

function hit(v: Verdict): boolean {
  const want = FAMILY_KINDS[v.c.family] ?? [];
  return v.kinds.some((k) => want.includes(k));
}

export function score(verdicts: Verdict[]): FamilyScore[] {
  const scores: FamilyScore[] = [];
  for (const family of Object.keys(FAMILY_KINDS)) {
    for (const log of ['access', 'json', 'both'] as const) {
      const vs = verdicts.filter((v) => v.c.family === family && (log === 'both' || v.log === log));
      const attacks = vs.filter((v) => v.c.expect === 'attack');
      const counted = attacks.filter((v) => v.c.excluded === undefined);
      const negatives = vs.filter((v) => v.c.expect === 'no-trigger' && v.c.pl === 1 && v.c.excluded === undefined);
      const detected = counted.filter(hit).length;
      scores.push({
        family, log, attacks: counted.length, detected, recall: counted.length ? detected / counted.length : 1,
        rawAttacks: attacks.length, rawDetected: attacks.filter(hit).length,
        negatives: negatives.length, falsePositives: negatives.filter((v) => v.kinds.length > 0).length,
      });
    }
  }
  return scores;
}

const pct = (a: number, b: number) => (b === 0 ? '-' : (a / b).toFixed(2));
const FAMILY_LABELS: Record<string, string> = {
  sqli: 'SQL injection (942)', xss: 'XSS (941)', traversal: 'traversal / LFI (930)', rfi: 'RFI / SSRF (931)', 'command-injection': 'command injection (932)',
  scanner: 'scanners (913)', php: 'PHP (933)', generic: 'Node.js, SSTI, SSRF, prototype pollution (934)',
};

/** fail2ban's default filters that read access logs and match a CRS family: the family's access lines through it. */
const FAIL2BAN_FILTERS: Record<string, string> = { scanner: '/etc/fail2ban/filter.d/apache-badbots.conf' };

function fail2banRecall(family: string, cases: CrsCase[]): string {
  const filter = FAIL2BAN_FILTERS[family];
  if (filter === undefined) return 'no default filter';
  if (!spawnSync('sh', ['-c', 'command -v fail2ban-regex']).stdout.length) return 'not installed';
  const lines = readFileSync(join(DIR, 'access.log'), 'utf8').split('\n');
  const attacks = cases.filter((c) => c.family === family && c.expect === 'attack' && c.excluded === undefined && c.access !== null);
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-crs-f2b-'));
  try {
    const file = join(dir, 'access.log');
    writeFileSync(file, attacks.map((c) => lines[c.access! - 1]).join('\n') + '\n');
    const out = spawnSync('fail2ban-regex', [file, filter], { encoding: 'utf8' }).stdout;
    const m = /Lines: (\d+) lines, (\d+) ignored, (\d+) matched/.exec(out);
    return m ? `${pct(Number(m[3]), attacks.length)} (${m[3]}/${attacks.length}, ${filter.replace(/^.*\//, '').replace('.conf', '')})` : '?';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function report(scores: FamilyScore[], verdicts: Verdict[], withFail2ban = false): string {
  const cases = new Set(verdicts.map((v) => v.c));
  const excluded = [...cases].filter((c) => c.excluded !== undefined);
  const lines = [
    `Input: ${cases.size} CRS regression tests (${[...cases].filter((c) => c.expect === 'attack').length} must-trigger), rendered as ${verdicts.filter((v) => v.log === 'access').length} nginx combined lines and ${verdicts.filter((v) => v.log === 'json').length} pino-http JSON lines; default config.`,
    `Attack set: the must-trigger tests minus ${excluded.filter((c) => c.expect === 'attack').length} our standard does not call an attack (fragments such as \`COS(\` or \`XOR\`, ordinary URLs and numbers: docs/detection.md). Raw: every must-trigger test, as CRS reads it at its paranoia level. False positives: no-trigger tests of paranoia-level-1 rules, minus ${excluded.filter((c) => c.expect === 'no-trigger').length} that are attacks by our standard.`,
    '',
    `| family (CRS) | recall, access log | recall, JSON log | recall, both | raw recall (all must-trigger) | false positives (PL1 no-trigger) |${withFail2ban ? ' fail2ban, default filter, access log |' : ''}`,
    `|---|---:|---:|---:|---:|---:|${withFail2ban ? '---|' : ''}`,
  ];
  const all = [...cases];
  for (const family of Object.keys(FAMILY_KINDS)) {
    const s = (log: string) => scores.find((x) => x.family === family && x.log === log)!;
    const a = s('access'); const j = s('json'); const b = s('both');
    const label = FAMILY_LABELS[family] ?? family;
    const target = TARGET_FAMILIES.includes(family) ? '' : ' (measured)';
    lines.push(`| ${label}${target} | ${pct(a.detected, a.attacks)} (${a.detected}/${a.attacks}) | ${pct(j.detected, j.attacks)} (${j.detected}/${j.attacks}) | **${pct(b.detected, b.attacks)}** | ${pct(b.rawDetected, b.rawAttacks)} (${b.rawDetected}/${b.rawAttacks}) | ${b.falsePositives} of ${b.negatives} |${withFail2ban ? ` ${fail2banRecall(family, all)} |` : ''}`);
  }
  const byCategory = new Map<string, number>();
  for (const c of excluded) {
    const cat = `${c.expect === 'attack' ? 'must-trigger' : 'no-trigger'}: ${c.excluded!.split(':')[0]}`;
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + 1);
  }
  lines.push('', `Excluded tests by category (reasons per test in scripts/crs-exclusions.ts, categories in docs/detection.md): ${[...byCategory].sort().map(([k, n]) => `${k} ${n}`).join('; ')}.`);
  lines.push('Raw recall counts every must-trigger test, paranoia levels 1-4, fragments such as `XOR` or `COS(` included: the figure a WAF scoring anomalies would aim at, not one a log detector at zero false positives can.');
  return lines.join('\n');
}

export async function run(): Promise<string> {
  const verdicts = judgeAll();
  return report(score(verdicts), verdicts, true);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((s) => console.log(s), (err: unknown) => { console.error(err); process.exit(1); });
}
