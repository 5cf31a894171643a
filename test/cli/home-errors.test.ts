// A BULWARK_HOME that cannot be created or written: one line naming BULWARK_HOME, why, and how to
// set it (exit 1), never a raw EEXIST/ENOTDIR/EROFS with a stack, and no daemon left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';

const IDLE = resolve(import.meta.dirname, '../helpers/apps/idle.mjs');

test('an unusable BULWARK_HOME gives one clear line naming it and how to set it', async (t) => {
  const h = new TestHome();
  t.after(() => {
    spawnSync('umount', [join(h.dir, 'ro')]);
    h.cleanup();
  });
  const file = join(h.dir, 'a-file');
  writeFileSync(file, 'not a directory\n');
  const homes: [string, RegExp][] = [
    [file, /is a file, not a directory/],
    [join(file, 'home'), /a part of the path is a file, not a directory/],
  ];
  // A read-only file system, where this machine lets us mount one.
  mkdirSync(join(h.dir, 'ro'));
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', join(h.dir, 'ro')]).status === 0) {
    homes.push([join(h.dir, 'ro', 'home'), /read-only|cannot be created there/]);
  } else {
    t.diagnostic('no read-only mount possible here: that case is not exercised');
  }
  for (const [home, why] of homes) {
    for (const args of [['start', IDLE, '--name', 'a'], ['daemon']]) {
      const r = await h.run(args, { env: { BULWARK_HOME: home } });
      assert.equal(r.code, 1, `${args[0]} with ${home}: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, new RegExp(`^bulwark: cannot use BULWARK_HOME=${home.replace(/[/.]/g, '\\$&')}: `));
      assert.match(lines[0]!, why);
      assert.match(lines[0]!, /set BULWARK_HOME to a directory you can write, e\.g\. `export BULWARK_HOME=\$HOME\/\.bulwark`$/);
    }
  }
});
