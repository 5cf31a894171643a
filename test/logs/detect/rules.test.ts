// fail2ban-style rule tests: every line of test/fixtures/rules/*.log carries its expected verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { securitySchema } from '../../../src/config/schema/security.js';
import { Detector } from '../../../src/logs/detect/detector.js';
import { BUILTIN_RULES } from '../../../src/logs/detect/signatures.js';

const DIR = join(import.meta.dirname, '../../fixtures/rules');
const VERDICT = /^#\s*verdict:\s*(.+)$/;

interface Case { file: string; lineNo: number; line: string; expected: string[] }

function loadCases(file: string): Case[] {
  const cases: Case[] = [];
  let pending: string[] | null = null;
  readFileSync(join(DIR, file), 'utf8').split('\n').forEach((text, i) => {
    const v = VERDICT.exec(text);
    if (v) {
      pending = v[1]!.trim() === 'none' ? [] : v[1]!.split(',').map((s) => s.trim()).filter(Boolean);
      return;
    }
    if (text.startsWith('#') || text.trim() === '') return;
    assert.ok(pending !== null, `${file}:${i + 1}: a log line without a "# verdict:" comment before it`);
    cases.push({ file, lineNo: i + 1, line: text, expected: pending });
    pending = null;
  });
  return cases;
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.log')).sort();
const fired = new Set<string>();

for (const file of files) {
  test(`rules fixture ${file}: every line gets its annotated verdict`, () => {
    const detector = new Detector(securitySchema.parse({}));
    const failures: string[] = [];
    for (const c of loadCases(file)) {
      const events = detector.inspect({ app: 'fixture', source: file, line: c.line, readAt: Date.UTC(2024, 11, 31) }, 'auto');
      for (const e of events) fired.add(e.rule);
      const got = events.map((e) => `${e.kind}/${e.rule}`);
      const gotKinds = events.map((e) => e.kind);
      // An entry "kind" pins only the kind; "kind/rule" pins both. Nothing unexpected may fire.
      const matches = c.expected.length === events.length
        && c.expected.every((x) => (x.includes('/') ? got.includes(x) : gotKinds.includes(x as never)));
      if (!matches) failures.push(`${file}:${c.lineNo}: expected [${c.expected.join(', ') || 'none'}], got [${got.join(', ') || 'none'}]\n    ${c.line.slice(0, 160)}`);
      if (file === 'benign.log' && events.length > 0) failures.push(`${file}:${c.lineNo}: benign sample fired ${got.join(', ')}`);
    }
    assert.deepEqual(failures, []);
  });
}

test('every built-in rule has at least one positive sample in the fixtures', () => {
  const missing = BUILTIN_RULES.filter((r) => !fired.has(r));
  assert.deepEqual(missing, [], `rules without a positive sample in test/fixtures/rules: ${missing.join(', ')}`);
});
