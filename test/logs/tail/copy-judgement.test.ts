// A listed file with the same bytes as a followed one is a copy (copytruncate made it; we read the
// original). That judgement is remembered: a full pass does not reopen and compare the file again
// until it, or its original, changes, or a followed file rotates. The file under the judged name
// is swapped for another inode, so any reopen shows (the name means another file: lookAgain).
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ReadFailures } from '../../../src/logs/tail/errors.js';
import type { Listed } from '../../../src/logs/tail/file-discovery.js';
import { FollowedSet } from '../../../src/logs/tail/followed-set.js';

/** Puts another file (another inode: made while the old one still exists) under `path`. */
function replace(path: string, text: string): void {
  writeFileSync(`${path}.new`, text);
  renameSync(`${path}.new`, path);
}

function listed(path: string): Listed {
  const st = statSync(path, { bigint: true });
  const [dev, ino] = [String(st.dev), String(st.ino)];
  return { key: `${dev}:${ino}`, path, size: Number(st.size), dev, ino, mtimeNs: st.mtimeNs };
}

test('a copy is judged once: not reopened until it, its original or a rotation says otherwise', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-copies-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [a, b] = [join(dir, 'a.log'), join(dir, 'b.log')];
  writeFileSync(a, '203.0.113.9 GET /\n');
  writeFileSync(b, '203.0.113.9 GET /\n');
  let reopenedMoved = 0;
  const set = new FollowedSet({ maxLine: 64 * 1024, readFailures: new ReadFailures(() => undefined), stateChanged: () => undefined, lookAgain: () => reopenedMoved++ });
  t.after(() => set.closeAll());

  const original = set.consider(listed(a), false);
  assert.ok(original, 'the first file is followed');
  const copy = listed(b);
  assert.equal(set.consider(copy, false), undefined, 'the second, byte for byte the same, is a copy');

  replace(b, 'another file under the name\n');
  assert.equal(set.consider(copy, false), undefined);
  assert.equal(reopenedMoved, 0, 'unchanged in the listing: not opened again');

  assert.equal(set.consider({ ...copy, size: copy.size + 1 }, false), undefined);
  assert.equal(reopenedMoved, 1, 'grown: opened and judged again');

  replace(b, '203.0.113.9 GET /\n');
  const again = listed(b);
  assert.equal(set.consider(again, false), undefined, 'a copy again');
  set.truncated(original);
  replace(b, 'yet another file\n');
  assert.equal(set.consider(again, false), undefined);
  assert.equal(reopenedMoved, 2, 'after a rotation: opened and judged again');
});
