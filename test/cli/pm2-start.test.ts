import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

test('bulwark start ecosystem.config.cjs starts all 3 PM2 apps with the mapped settings and one warning naming unknown keys', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  h.write('app.js', 'setInterval(() => {}, 1000);\n');
  const eco = h.write('ecosystem.config.cjs', `module.exports = { apps: [
    { name: 'api', script: './app.js', args: '--port 3000', max_memory_restart: '200M', min_uptime: 2000, max_restarts: 7,
      kill_timeout: 3000, exp_backoff_restart_delay: 100, env: { NODE_ENV: 'production' }, instances: 2, exec_mode: 'cluster' },
    { name: 'worker', script: './app.js', cron_restart: '0 4 * * *', restart_delay: 500, autorestart: false, log_date_format: 'YYYY' },
    { name: 'watcher', script: './app.js', watch: ['src'], ignore_watch: ['node_modules'] },
  ] };\n`);
  const r = await h.run(['start', eco]);
  assert.equal(r.code, 0, r.stderr);
  const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning:')).join('\n');
  assert.doesNotMatch(warnings, /instances|exec_mode/); // mapped: api runs 2 instances in cluster mode
  assert.doesNotMatch(warnings, /log_date_format/); // mapped to logs.timestamps
  await waitFor('3 apps online', async () => {
    const s = await h.json<{ name: string; state: string }[]>(['status']);
    return s.length === 4 && s.every((a) => a.state === 'online'); // api x2, worker, watcher
  });
  assert.equal((await h.run(['save'])).code, 0);
  const { config } = JSON.parse(readFileSync(join(h.home, 'state', 'apps.json'), 'utf8'));
  const [api, worker, watcher] = config.apps;
  assert.deepEqual(api.args, ['--port', '3000']);
  assert.equal(api.limits.memory.max, 200 * 1024 * 1024);
  assert.equal(api.restart.minUptime, 2000);
  assert.equal(api.restart.maxRestarts, 7);
  assert.equal(api.stop.timeout, 3000);
  assert.equal(api.env.NODE_ENV, 'production');
  assert.equal(api.instances, 2);
  assert.equal(api.exec_mode, 'cluster');
  assert.equal(worker.cron, '0 4 * * *');
  assert.equal(worker.restart.policy, 'never');
  assert.equal(worker.restart.backoff.initial, 500);
  assert.deepEqual(watcher.watch.paths, ['src']);
  assert.deepEqual(watcher.watch.ignore, ['node_modules']);
});
