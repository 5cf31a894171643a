// fail2ban's own annotated sample logs, every line through `scan --explain`'s code path: each suite
// must read its failure lines as fail2ban does (issue 11: >= 0.95 for sshd, >= 0.9 for the others)
// and none of its must-not-match lines. What is in scope, added or left out (with reasons) is
// test/fixtures/third-party/fail2ban/scope.json; to add a case, add two lines to a fixture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeMiss, loadScope, misses, runSuite } from '../../../bench/fail2ban-suites.js';

for (const scope of loadScope()) {
  const bound = scope.pending === undefined ? `recall >= ${scope.minRecall}` : 'recall measured (bound pending)';
  test(`fail2ban ${scope.file}: ${bound} on the ${scope.expect} lines in scope, no must-not-match line matches`, async (t) => {
    const r = await runSuite(scope);
    const wrong = misses(r).map(describeMiss);
    assert.deepEqual(r.unusedScope, [], 'scope.json names lines the fixture does not have');
    assert.ok(r.positives > 0, 'no line in scope');
    assert.equal(r.falsePositives, 0, wrong.join('\n'));
    if (scope.pending !== undefined) {
      t.diagnostic(`recall ${r.hits}/${r.positives} = ${r.recall.toFixed(3)}; the >= ${scope.minRecall} bound waits for: ${scope.pending}`);
      return;
    }
    assert.ok(r.recall >= scope.minRecall, `recall ${r.hits}/${r.positives} = ${r.recall.toFixed(3)}\n${wrong.join('\n')}`);
  });
}

test('the address-injection lines name the client OpenSSH wrote, never the user-controlled text', async () => {
  const sshd = loadScope().find((s) => s.file === 'sshd')!;
  const r = await runSuite(sshd);
  const injected = r.cases.filter((c) => /from 10\.10\.1\.[12]|ruser .*from 1\.2\.3\.4/.test(c.line));
  assert.equal(injected.length, 6);
  for (const c of injected) assert.deepEqual([c.row?.signal, c.row?.ip], ['auth-failure', c.host], c.line);
});
