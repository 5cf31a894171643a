import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePattern, listMatches, matchSegment, matchesPattern, mayContainMatches } from '../../../src/logs/tail/glob.js';
import { tempDir } from './helpers/harness.js';

test('segment wildcards: * any run, ? one character, no leading dot', () => {
  assert.ok(matchSegment('app.log', 'app.log*'));
  assert.ok(matchSegment('app.log.12', 'app.log*'));
  assert.ok(matchSegment('a1.log', 'a?.log'));
  assert.ok(!matchSegment('a12.log', 'a?.log'));
  assert.ok(!matchSegment('.env.log', '*.log'));
  assert.ok(matchSegment('x', '***'));
  // A hostile name against a many-star pattern stays linear (this would hang a backtracking regex).
  const t0 = performance.now();
  assert.ok(!matchSegment('a'.repeat(5000), `${'*a'.repeat(40)}b`));
  assert.ok(performance.now() - t0 < 500);
});

test('patterns resolve against cwd; the watch dir is the wildcard-free prefix', () => {
  const p = compilePattern('logs/**/*.log', '/srv/app');
  assert.equal(p.watchDir, '/srv/app/logs');
  assert.ok(matchesPattern(p, '/srv/app/logs/a.log'));
  assert.ok(matchesPattern(p, '/srv/app/logs/x/y/a.log'));
  assert.ok(!matchesPattern(p, '/srv/app/logs/.git/a.log'));
  assert.ok(!matchesPattern(p, '/srv/app/other/a.log'));
  assert.ok(mayContainMatches(p, '/srv/app/logs/x'));
  const plain = compilePattern('/var/log/app.log', '/ignored');
  assert.equal(plain.watchDir, '/var/log');
  assert.ok(matchesPattern(plain, '/var/log/app.log') && !matchesPattern(plain, '/var/log/app.log.1'));
  const one = compilePattern('logs/*/app.log', '/srv');
  assert.ok(mayContainMatches(one, '/srv/logs/a') && !mayContainMatches(one, '/srv/logs/a/b'));
});

test('listMatches walks only what the pattern can match', () => {
  const tmp = tempDir('glob-list');
  try {
    for (const d of ['a', 'a/b', 'c', '.hidden']) mkdirSync(join(tmp.dir, d), { recursive: true });
    for (const f of ['top.log', 'a/one.log', 'a/b/two.log', 'a/b/two.txt', 'c/three.log', '.hidden/no.log']) writeFileSync(join(tmp.dir, f), '');
    const found = new Set<string>();
    listMatches(compilePattern('**/*.log', tmp.dir), found);
    assert.deepEqual([...found].map((f) => f.slice(tmp.dir.length + 1)).sort(), ['a/b/two.log', 'a/one.log', 'c/three.log', 'top.log']);
    const single = new Set<string>();
    listMatches(compilePattern('*/one.log', tmp.dir), single);
    assert.deepEqual([...single], [join(tmp.dir, 'a/one.log')]);
  } finally {
    tmp.cleanup();
  }
});
