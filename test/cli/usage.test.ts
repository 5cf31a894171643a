import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { TestHome } from '../helpers/bulwark-cli.js';

test('usage errors exit 2 with one message and never reach (or start) the daemon', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  for (const args of [['stop'], ['config', 'check'], ['status', '--bogus'], ['nonsense']]) {
    const r = await h.run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.match(/see bulwark( \w+)? --help/g)?.length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /daemon is not running/);
  }
  assert.equal(existsSync(h.home), false);
  // `status` has an entry of its own (src/cli/status-main.ts); its other forms reach the full CLI.
  const statusHelp = await h.run(['status', '--help']);
  assert.equal(statusHelp.code, 0, statusHelp.stderr);
  assert.match(statusHelp.stdout, /^bulwark status \[name\]/m);
  const help = await h.run(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /bulwark status/);
  // All English whatever the user's language: yargs's own words too, not a help half in French.
  const french = await h.run(['--help'], { env: { LC_ALL: 'fr_FR.UTF-8', LANG: 'fr_FR.UTF-8' } });
  assert.equal(french.stdout, help.stdout);
  assert.match(french.stdout, /Show help/);
});
