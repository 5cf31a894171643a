// `npm run eval`: recall and precision per kind on the labelled corpus (test/fixtures/corpus, made by
// scripts/gen-corpus.ts). Exit 1 when any kind is under 0.97 recall or 0.99 precision.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { securitySchema } from '../src/config/schema/security.js';
import { scanFiles } from '../src/logs/scan.js';

export const MIN_RECALL = 0.97;
export const MIN_PRECISION = 0.99;

export interface KindScore { kind: string; tp: number; fp: number; fn: number; recall: number; precision: number }
export interface EvalResult {
  lines: number;
  scores: KindScore[];
  /** A few misses and false alarms, for the report. */
  examples: string[];
  ok: boolean;
}

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'bench'))) { // bench/ has its own package.json
    const up = dirname(dir);
    if (up === dir) throw new Error('eval: cannot find the repository root');
    dir = up;
  }
  return dir;
}

export async function evaluate(corpusDir = join(repoRoot(), 'test/fixtures/corpus')): Promise<EvalResult> {
  const { labels } = JSON.parse(readFileSync(join(corpusDir, 'labels.json'), 'utf8')) as { labels: Record<string, Record<string, string[]>> };
  const security = securitySchema.parse({});
  const tally = new Map<string, KindScore>();
  const score = (kind: string) => {
    let s = tally.get(kind);
    if (!s) tally.set(kind, (s = { kind, tp: 0, fp: 0, fn: 0, recall: 1, precision: 1 }));
    return s;
  };
  const examples: string[] = [];
  let lines = 0;
  for (const [file, expected] of Object.entries(labels)) {
    const predicted = new Map<number, Set<string>>();
    const text = new Map<number, string>();
    // One scan per file: each file is its own log (history and windows do not cross files).
    const summary = await scanFiles({
      files: [join(corpusDir, file)], format: 'auto', security,
      onMatch: (m) => {
        let set = predicted.get(m.lineNo);
        if (!set) predicted.set(m.lineNo, (set = new Set()));
        set.add(m.kind);
        text.set(m.lineNo, m.line);
      },
    });
    lines += summary.lines;
    for (const [lineNo, kinds] of Object.entries(expected)) {
      const got = predicted.get(Number(lineNo));
      for (const k of kinds) {
        if (got?.has(k)) score(k).tp++;
        else {
          score(k).fn++;
          if (examples.length < 40) examples.push(`missed ${k}: ${file}:${lineNo}`);
        }
      }
    }
    for (const [lineNo, kinds] of predicted) {
      const want = expected[String(lineNo)] ?? [];
      for (const k of kinds) {
        if (!want.includes(k)) {
          score(k).fp++;
          if (examples.length < 40) examples.push(`false ${k}: ${file}:${lineNo}: ${text.get(lineNo)!.slice(0, 200)}`);
        }
      }
    }
  }
  const scores = [...tally.values()].sort((a, b) => a.kind.localeCompare(b.kind));
  for (const s of scores) {
    s.recall = s.tp + s.fn === 0 ? 1 : s.tp / (s.tp + s.fn);
    s.precision = s.tp + s.fp === 0 ? 1 : s.tp / (s.tp + s.fp);
  }
  return { lines, scores, examples, ok: scores.every((s) => s.recall >= MIN_RECALL && s.precision >= MIN_PRECISION) };
}

export function report(r: EvalResult): string {
  const out = [
    `Detection on the labelled corpus (${r.lines} lines; bounds: recall >= ${MIN_RECALL}, precision >= ${MIN_PRECISION})`, '',
    '| kind | positives | true pos. | false pos. | missed | recall | precision |', '|---|---:|---:|---:|---:|---:|---:|',
    ...r.scores.map((s) => `| ${s.kind} | ${s.tp + s.fn} | ${s.tp} | ${s.fp} | ${s.fn} | ${s.recall.toFixed(3)} | ${s.precision.toFixed(3)} |`),
  ];
  if (r.examples.length > 0) out.push('', ...r.examples.map((e) => `- ${e}`));
  out.push('', r.ok ? 'All kinds within bounds.' : 'SOME KINDS ARE OUT OF BOUNDS.');
  return out.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  evaluate().then((r) => {
    console.log(report(r));
    process.exit(r.ok ? 0 : 1);
  }, (err: unknown) => { console.error(err); process.exit(1); });
}
