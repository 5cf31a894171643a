// PM2's out_file, error_file, log_file and log_date_format, end to end: the app's output lands in
// the files the ecosystem file names (stamped as PM2 stamps them), `bulwark logs` shows it, and
// detection still reads the lines as the app wrote them (a custom stamp does not hide an attack).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

// log_date_format 'YYYY-MM-DD HH:mm:ss Z', the most common in real files.
const STAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{2}:\d{2}: /;
const TAGGED = JSON.stringify({ level: 'warn', message: 'blocked request', category: 'malicious-traffic', ip: '203.0.113.9' });

test('a PM2 app with out_file, error_file, log_file and log_date_format writes stamped lines to those files; bulwark logs shows them; detection sees the tagged line', async (t) => {
  const h = new TestHome('bulwark-pm2-logs-');
  t.after(() => h.cleanup());
  const app = join(h.dir, 'app');
  mkdirSync(app);
  h.write('app/server.js', [
    "console.log('listening on 3000');",
    'console.log(process.env.TAGGED);',
    "console.error('deprecation warning');",
    'setInterval(() => {}, 60_000);', '',
  ].join('\n'));
  h.write('app/ecosystem.config.js', `module.exports = { apps: [{
    name: 'web', script: 'server.js', env: { TAGGED: ${JSON.stringify(TAGGED)} },
    out_file: './logs/pm2-out.log', error_file: './logs/pm2-error.log', log_file: './logs/pm2-combined.log',
    log_date_format: 'YYYY-MM-DD HH:mm:ss Z', merge_logs: true,
  }] };\n`);
  // PM2 resolves the paths from where it is started: the app's directory here.
  const r = await h.run(['start', 'ecosystem.config.js'], { cwd: app });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /out_file|error_file|log_file/, 'the log files are honoured, not warned about');

  const file = (n: string) => join(app, 'logs', n);
  const lines = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8').trimEnd().split('\n').filter(Boolean) : []);
  await waitFor('3 lines in the combined file', () => lines(file('pm2-combined.log')).length === 3, 30_000);
  for (const [name, want] of [['pm2-out.log', ['listening on 3000', TAGGED]], ['pm2-error.log', ['deprecation warning']],
    ['pm2-combined.log', ['deprecation warning', 'listening on 3000', TAGGED]]] as const) {
    const got = lines(file(name));
    assert.ok(got.every((l) => STAMP.test(l)), `${name}: stamped with log_date_format (${got.join(' | ')})`);
    assert.deepEqual(got.map((l) => l.replace(STAMP, '')).sort(), [...want].sort(), name);
  }

  const shown = await h.run(['logs', 'web', '--raw']);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /: listening on 3000$/m);
  assert.match(shown.stdout, /: deprecation warning$/m);

  await waitFor('the tagged line detected', async () => {
    const e = await h.run(['events', '--type', 'security', '--json']);
    return e.code === 0 && e.stdout.includes('203.0.113.9');
  }, 30_000, 250);
});
