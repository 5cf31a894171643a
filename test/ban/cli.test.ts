// `bulwark ban` / `unban` / `offenders --banned`: usage errors before the daemon is asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestHome } from '../helpers/bulwark-cli.js';

test('ban: a bad address or duration is a usage error (2); no daemon is 69', async (t) => {
  const home = new TestHome('bulwark-ban-cli-');
  t.after(() => home.cleanup());
  const bad = await home.run(['ban', '1.2.3.4; rm -rf /']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /is not an IPv4 or IPv6 address/);
  for (const d of ['soon', '500ms']) {
    const r = await home.run(['ban', '192.0.2.7', '--for', d]);
    assert.equal(r.code, 2, d);
    assert.match(r.stderr, /--for expects a duration of at least 1s/);
  }
  assert.equal((await home.run(['ban', '192.0.2.7', '--for', '1w'])).code, 69);
  assert.equal((await home.run(['unban', 'all'])).code, 69);
  assert.equal((await home.run(['offenders', '--banned'])).code, 69);
});
