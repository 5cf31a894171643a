// OWASP Core Rule Set regression tests as log lines (test/fixtures/third-party/crs, made by
// scripts/gen-crs-fixtures.ts): recall >= 0.9 per family on the must-trigger tests in both the access
// log and the JSON log, and no finding on the no-trigger tests of paranoia-level-1 rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeAll, loadCases, MIN_CRS_RECALL, report, score, TARGET_FAMILIES } from '../../../bench/quality-crs.js';

const cases = loadCases();
const verdicts = judgeAll(cases);
const scores = score(verdicts);

test('the CRS fixture covers every family, in both logs', () => {
  assert.ok(cases.length > 3000, `${cases.length} cases`);
  for (const family of [...TARGET_FAMILIES, 'php', 'generic']) {
    for (const log of ['access', 'json'] as const) {
      const s = scores.find((x) => x.family === family && x.log === log)!;
      assert.ok(s.attacks >= 5, `${family} ${log}: only ${s.attacks} attack lines`);
    }
  }
});

for (const family of TARGET_FAMILIES) {
  test(`CRS ${family}: recall >= ${MIN_CRS_RECALL} in the access log and in the JSON log, no false positive`, () => {
    for (const log of ['access', 'json'] as const) {
      const s = scores.find((x) => x.family === family && x.log === log)!;
      assert.ok(s.recall >= MIN_CRS_RECALL, `${family} ${log}: recall ${s.recall.toFixed(3)} (${s.detected}/${s.attacks})\n${report(scores, verdicts)}`);
      assert.equal(s.falsePositives, 0, `${family} ${log}: ${s.falsePositives} false positives`);
    }
  });
}

test('CRS PHP and generic (Node.js, SSTI, SSRF, prototype pollution): no false positive on their no-trigger tests', () => {
  for (const family of ['php', 'generic']) {
    const s = scores.find((x) => x.family === family && x.log === 'both')!;
    assert.equal(s.falsePositives, 0, `${family}: ${s.falsePositives}`);
  }
});
