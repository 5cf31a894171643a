// Runs every test/**/*.test.ts with node:test through tsx (Node 20 expands no globs itself).
// Usage: node scripts/run-tests.mjs [filter...]  (filters match against the file path)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'fixtures' || name === 'helpers' ? [] : find(p);
    return p.endsWith('.test.ts') ? [p] : [];
  });
}
const filters = process.argv.slice(2);
const files = find('test').filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (files.length === 0) { console.error('no test files matched'); process.exit(1); }
const concurrency = process.env.TEST_CONCURRENCY ?? '3';
const r = spawnSync(process.execPath, [
  '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`,
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/summary-reporter.mjs', '--test-reporter-destination=stdout',
  ...files,
], { stdio: 'inherit' });
process.exit(r.status ?? 1);
