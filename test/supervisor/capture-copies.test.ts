// Capture files and their copies (logs.copyTo: PM2's out_file, error_file, log_file), with
// timestamps (PM2's log_date_format and time), and a copy path that is a planted symlink.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileDateFormat, PM2_TIME_FORMAT, timestampPrefix } from '../../src/common/date-format.js';
import { app, harness } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';

const NODE = process.execPath;
/** Prints one line per stream, then idles. */
const TWO_LINES = "console.log('to stdout'); console.error('to stderr'); setInterval(() => {}, 60000);";
const read = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : '');

test('logs.copyTo writes each stream to its copy and both to the combined one, stamped like the capture files', async (t) => {
  const h = harness(t);
  const cwd = join(h.home, 'app');
  mkdirSync(cwd);
  const format = 'YYYY-MM-DD HH:mm:ss Z';
  h.sup.add(app({
    name: 'c', cmd: [NODE, '-e', TWO_LINES], cwd,
    logs: { timestamps: format, copyTo: { stdout: 'logs/out.log', stderr: 'logs/err.log', combined: 'logs/all.log' } },
  }));
  await h.sup.start('c');
  const captured = { out: join(h.home, 'logs', 'c.out.log'), err: join(h.home, 'logs', 'c.err.log') };
  await waitFor('both lines in all.log', () => read(join(cwd, 'logs', 'all.log')).split('\n').length === 3);
  const stamp = timestampPrefix(format);
  const lines = (p: string) => read(p).trimEnd().split('\n');
  for (const [file, want] of [[captured.out, ['to stdout']], [captured.err, ['to stderr']], [join(cwd, 'logs', 'out.log'), ['to stdout']],
    [join(cwd, 'logs', 'err.log'), ['to stderr']], [join(cwd, 'logs', 'all.log'), ['to stderr', 'to stdout']]] as const) {
    const got = lines(file);
    assert.ok(got.every((l) => stamp.test(l)), `${file}: every line starts with "<${format}>: " (${got.join(' | ')})`);
    assert.deepEqual(got.map((l) => l.replace(stamp, '')).sort(), [...want], file);
  }
  // The stamp is the time of writing, in local time: within a minute of now.
  const written = lines(captured.out)[0]!.slice(0, compileDateFormat(format)(new Date()).length);
  assert.ok(Math.abs(new Date(written.replace(' ', 'T').replace(' ', '')).getTime() - Date.now()) < 60_000, written);
});

test('out_file equal to error_file is one file holding both streams; time: true stamps YYYY-MM-DDTHH:mm:ss', async (t) => {
  const h = harness(t);
  h.sup.add(app({ name: 's', cmd: [NODE, '-e', TWO_LINES], cwd: h.home, logs: { timestamps: true, copyTo: { stdout: 'app.log', stderr: 'app.log' } } }));
  await h.sup.start('s');
  const file = join(h.home, 'app.log');
  await waitFor('both lines', () => read(file).split('\n').length === 3);
  const lines = read(file).trimEnd().split('\n');
  assert.ok(lines.every((l) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}: to std(out|err)$/.test(l)), lines.join(' | '));
  assert.deepEqual(lines.map((l) => l.replace(timestampPrefix(PM2_TIME_FORMAT), '')).sort(), ['to stderr', 'to stdout']);
});

test('a copy path that is a symlink is not followed: the app runs, its output is captured, the target is untouched, and status says why', async (t) => {
  const h = harness(t);
  const target = join(h.home, 'victim.txt');
  writeFileSync(target, 'precious\n');
  symlinkSync(target, join(h.home, 'out.log'));
  h.sup.add(app({ name: 'l', cmd: [NODE, '-e', TWO_LINES], cwd: h.home, logs: { copyTo: { stdout: 'out.log' } } }));
  await h.sup.start('l');
  await waitFor('captured', () => read(join(h.home, 'logs', 'l.out.log')) === 'to stdout\n');
  assert.equal(read(target), 'precious\n');
  const [status] = h.sup.status('l');
  assert.equal(status!.state, 'online');
  assert.ok(status!.errors.some((e) => /cannot write the copy .*out\.log \(logs\.copyTo\).*ELOOP/.test(e)), status!.errors.join('\n'));
});

test('cron starts an app that stopped on its own (restart policy never, PM2 autorestart: false) at each tick', async (t) => {
  const h = harness(t);
  const job = (name: string, file: string) => app({
    name, cmd: [NODE, '-e', `require('fs').appendFileSync(${JSON.stringify(file)}, 'ran\\n')`], cron: '* * * * * *', restart: { policy: 'never' },
  });
  const runs = join(h.home, 'runs.txt');
  const clock = join(h.home, 'clock.txt');
  const count = (f: string) => read(f).split('\n').length - 1;
  // A job: appends one line per run and exits 0 at once. `clock` is the same job, as a witness of ticks.
  h.sup.add(job('job', runs));
  h.sup.add(job('clock', clock));
  await Promise.all([h.sup.start('job'), h.sup.start('clock')]);
  // Each tick (every second) finds it stopped (it exited 0, policy never) and starts it again.
  const fromStopped = () => h.kinds('restart', 'cron').filter((e) => e.app === 'job' && e.from === 'stopped');
  await waitFor('3 scheduled starts of the stopped job', () => fromStopped().length >= 3 && count(runs) >= 4, 20_000);
  assert.ok(h.kinds('exit').some((e) => e.app === 'job' && e.to === 'stopped'), 'the job ended on its own');
  assert.ok(fromStopped().every((e) => /scheduled restart/.test(e.reason)));
  // A user stop ends the schedule: two ticks later (as the witness shows) it has not run again.
  await h.sup.stop('job');
  const after = count(runs);
  const ticks = count(clock);
  await waitFor('two more ticks', () => count(clock) >= ticks + 2, 10_000);
  assert.equal(count(runs), after);
});

test('with watch on the app\'s folder, the log copies bulwark writes there never restart it; a source change does', async (t) => {
  // pinknetworkx's ecosystem file: watch: true, ignore_watch: ['node_modules'], out_file: 'logs/out.log'.
  const h = harness(t);
  const cwd = join(h.home, 'app');
  mkdirSync(cwd);
  const ticker = "let n = 0; setInterval(() => { console.log('line', ++n); console.error('err', n); }, 50);";
  h.sup.add(app({
    name: 'w', cmd: [NODE, '-e', ticker], cwd, watch: { paths: ['.'], ignore: ['node_modules'], debounce: '200ms' },
    logs: { copyTo: { stdout: 'logs/out.log', stderr: 'logs/err.log', combined: 'logs/all.log' } },
  }));
  await h.sup.start('w');
  await waitFor('20 lines in the copy', () => read(join(cwd, 'logs', 'out.log')).split('\n').length > 20);
  writeFileSync(join(cwd, 'server.js'), '// changed\n');
  const r = await waitFor('watch restart', () => h.kinds('restart', 'watch')[0], 10_000);
  // The first watch restart is for the source alone: had the copies counted, it would name them or several changes.
  assert.equal(r.reason, `watch: ${join(cwd, 'server.js')} changed`);
});
