// The benign guard: real-shaped traffic (Next.js, WordPress, Rails, Django, REST and GraphQL APIs,
// forum posts with code, search queries with quotes and SQL words, libinjection's false-positive
// list) must fire nothing. test/fixtures/benign/ is made by scripts/gen-benign-corpus.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { securitySchema } from '../../../src/config/schema/security.js';
import { Detector } from '../../../src/logs/detect/detector.js';

const DIR = join(import.meta.dirname, '../../fixtures/benign');

for (const file of ['access.log', 'app.jsonl']) {
  test(`benign corpus ${file}: thousands of real-shaped requests fire no rule`, () => {
    const detector = new Detector(securitySchema.parse({}));
    const lines = readFileSync(join(DIR, file), 'utf8').split('\n').filter((l) => l.length > 0);
    assert.ok(lines.length > 3000, `corpus too small: ${lines.length} lines`);
    const fired: string[] = [];
    for (const line of lines) {
      for (const e of detector.inspect({ app: 'benign', source: file, line, readAt: Date.UTC(2024, 11, 31) }, 'auto')) {
        fired.push(`${e.rule}: ${e.message.slice(0, 160)}`);
      }
    }
    assert.deepEqual(fired, []);
  });
}
