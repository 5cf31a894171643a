// The acceptance bound on the labelled corpus: recall >= 0.97 and precision >= 0.99 for every kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, MIN_PRECISION, MIN_RECALL, report } from '../../../bench/eval.js';

test('every kind scores recall >= 0.97 and precision >= 0.99 on the labelled corpus', async () => {
  const r = await evaluate();
  assert.ok(r.lines > 5000, `corpus too small: ${r.lines} lines`);
  const kinds = r.scores.map((s) => s.kind);
  for (const k of ['tagged', 'sqli', 'xss', 'traversal', 'sensitive-file', 'brute-force', 'credential-stuffing', 'new-ip-login', 'account-change']) {
    assert.ok(kinds.includes(k), `no ${k} samples in the corpus`);
  }
  for (const s of r.scores) {
    assert.ok(s.recall >= MIN_RECALL && s.precision >= MIN_PRECISION, `${s.kind}: recall ${s.recall.toFixed(3)}, precision ${s.precision.toFixed(3)}\n${report(r)}`);
  }
});
