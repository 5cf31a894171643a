// End to end: `bulwark start ecosystem.config.js` runs every PM2 app with its mapped settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

interface AppStatus { name: string; instance: number; state: string; pid: number | null }

test('`bulwark start ecosystem.config.js` starts all 3 PM2 apps with their args, cwd and env, and warns about unknown keys', async (t) => {
  const h = new TestHome('bulwark-pm2-start-');
  t.after(() => h.cleanup());
  // Each app reports what it was started with, then idles.
  h.write('report.cjs', [
    "const fs = require('fs');",
    "fs.writeFileSync(process.env.OUT, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), port: process.env.PORT }));",
    'setInterval(() => {}, 1000);', '',
  ].join('\n'));
  mkdirSync(join(h.dir, 'web'));
  const out = (n: string) => join(h.dir, `${n}.json`);
  const eco = h.write('ecosystem.config.js', `module.exports = { apps: [
    { name: 'web', script: '../report.cjs', cwd: 'web', args: '--port 3000', env: { OUT: ${JSON.stringify(out('web'))}, PORT: 3000 }, instances: 2 },
    { name: 'worker', script: 'report.cjs', args: ['--queue', 'jobs'], env: { OUT: ${JSON.stringify(out('worker'))} }, kill_timeout: 2000, max_memory_restart: '300M' },
    { name: 'cron', script: 'report.cjs', env: { OUT: ${JSON.stringify(out('cron'))} }, cron_restart: '0 4 * * *', merge_logs: true },
  ] };\n`);

  const started = await h.run(['start', eco]);
  assert.equal(started.code, 0, started.stderr);
  assert.doesNotMatch(started.stderr, /instances/); // mapped: web runs 2 instances
  assert.match(started.stderr, /warning: .*merge_logs \(cron\)/);

  let apps: AppStatus[] = [];
  await waitFor('every app online and writing', async () => {
    apps = await h.json<AppStatus[]>(['status']);
    return apps.length === 4 && apps.every((a) => a.state === 'online') && ['web', 'worker', 'cron'].every((n) => existsSync(out(n)));
  }, 30_000).catch(() => { /* the assertion below says what differs */ });
  assert.deepEqual(apps.map((a) => [a.name, a.instance, a.state]).sort(), [['cron', 0, 'online'], ['web', 0, 'online'], ['web', 1, 'online'], ['worker', 0, 'online']]);
  const web = JSON.parse(readFileSync(out('web'), 'utf8')) as { argv: string[]; cwd: string; port: string };
  assert.deepEqual(web, { argv: ['--port', '3000'], cwd: join(h.dir, 'web'), port: '3000' });
  const worker = JSON.parse(readFileSync(out('worker'), 'utf8')) as { argv: string[]; cwd: string };
  assert.deepEqual(worker.argv, ['--queue', 'jobs']);
  assert.equal(worker.cwd, h.dir);
});
