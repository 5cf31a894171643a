import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { APPS, app, harness } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';

test('a per-second cron restart fires and restarts the app', async (t) => {
  const h = harness(t);
  h.sup.add(app({ name: 'c', script: join(APPS, 'idle.mjs'), cron: '* * * * * *' }));
  await h.sup.start('c');
  const first = h.sup.status('c')[0]!.pid;
  const r = await waitFor('cron restart', () => h.kinds('restart', 'cron')[0], 10_000);
  assert.match(r.reason, /scheduled restart \(\* \* \* \* \* \*\)/);
  await waitFor('online again', () => h.sup.status('c')[0]!.state === 'online' && h.sup.status('c')[0]!.pid !== first);
  await h.sup.stop('c');
  const after = h.kinds('restart', 'cron').length;
  await sleep(1500);
  assert.equal(h.kinds('restart', 'cron').length, after, 'no cron restart once stopped');
});

test('100 changes in a watched folder give one restart; ignored paths give none', async (t) => {
  const h = harness(t);
  const cwd = join(h.home, 'app');
  mkdirSync(join(cwd, 'src', 'node_modules'), { recursive: true });
  h.sup.add(app({ name: 'w', script: join(APPS, 'idle.mjs'), cwd, watch: { paths: ['src'], ignore: ['node_modules'], debounce: '300ms' } }));
  await h.sup.start('w');
  for (let i = 0; i < 20; i++) writeFileSync(join(cwd, 'src', 'node_modules', `dep${i}.js`), 'x');
  await sleep(1000);
  assert.equal(h.kinds('restart', 'watch').length, 0, 'ignored folder');
  for (let i = 0; i < 100; i++) writeFileSync(join(cwd, 'src', `f${i}.js`), `// ${i}`);
  const r = await waitFor('watch restart', () => h.kinds('restart', 'watch')[0], 10_000);
  assert.match(r.reason, /watch: \d+ changes, last/);
  await sleep(1500);
  assert.equal(h.kinds('restart', 'watch').length, 1);
  assert.equal(h.sup.status('w')[0]!.state, 'online');
});
