// A bare `bulwark start` starts bulwark.yml in the current directory, else PM2's default file
// (ecosystem.config.js), as `pm2 start` does; with neither it is a usage error naming both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const IDLE = 'setInterval(() => {}, 60_000);\n';

test('bare start: bulwark.yml first, then ecosystem.config.js, else exit 2 naming both', async (t) => {
  const h = new TestHome('bulwark-start-default-');
  t.after(() => h.cleanup());
  const empty = join(h.dir, 'empty');
  mkdirSync(empty);
  const none = await h.run(['start'], { cwd: empty });
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /no bulwark\.yml or ecosystem\.config\.js here/);

  const pm2 = join(h.dir, 'pm2');
  mkdirSync(pm2);
  h.write('pm2/idle.js', IDLE);
  h.write('pm2/ecosystem.config.js', "module.exports = { apps: [{ name: 'from-ecosystem', script: './idle.js' }] };\n");
  const r = await h.run(['start'], { cwd: pm2 });
  assert.equal(r.code, 0, r.stderr);
  await waitFor('from-ecosystem online', async () => (await h.json<{ name: string; state: string }[]>(['status'])).find((a) => a.name === 'from-ecosystem' && a.state === 'online'));

  // Both present: bulwark.yml wins.
  h.write('pm2/bulwark.yml', 'apps:\n  - name: from-yaml\n    script: idle.js\n');
  const both = await h.run(['start'], { cwd: pm2 });
  assert.equal(both.code, 0, both.stderr);
  await waitFor('from-yaml online', async () => (await h.json<{ name: string; state: string }[]>(['status'])).find((a) => a.name === 'from-yaml' && a.state === 'online'));
});
