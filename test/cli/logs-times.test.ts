// `logs --json` and `--timestamps`: each captured line keeps the time the daemon read it (a time
// index beside each capture file), not the time someone looks; `flush` empties the capture files
// and capture goes on with correct times; escape sequences in app output never reach the terminal raw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const NODE = process.execPath;
const APP = `console.log('first');
console.log('evil \\x1b[2J\\x1b]0;owned\\x07 \\u202eend');
process.on('SIGUSR2', () => console.log('again ' + Date.now()));
setInterval(() => {}, 1 << 30);`;

interface JsonLine { time: string | null; app: string; stream: string; line: string }

test('logs --json and --timestamps show when each line was read; flush empties the capture and capture goes on', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const cfg = h.write('b.yml', `apps:\n  - name: a\n    cmd: [${JSON.stringify(NODE)}, "-e", ${JSON.stringify(APP)}]\n`);
  const beforeStart = Date.now();
  assert.equal((await h.run(['start', cfg])).code, 0);
  const json = async (...extra: string[]) => {
    const r = await h.run(['logs', 'a', '--json', ...extra]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as JsonLine);
  };
  const first = (await waitFor('both startup lines', async () => { const l = await json('--out'); return l.length === 2 ? l : undefined; }))[0]!;
  const afterStart = Date.now();
  assert.deepEqual({ ...first, time: null }, { time: null, app: 'a', stream: 'stdout', line: 'first' });
  const firstAt = Date.parse(first.time!);
  assert.ok(firstAt >= beforeStart && firstAt <= afterStart, `read during start: ${first.time}`);

  const pid = (await h.json<{ pid: number }[]>(['status', 'a']))[0]!.pid;
  const beforeSignal = Date.now();
  process.kill(pid, 'SIGUSR2');
  const again = await waitFor('the line printed later', async () => (await json('--out')).find((l) => l.line.startsWith('again ')));
  const againAt = Date.parse(again.time!);
  assert.ok(againAt >= beforeSignal && againAt >= firstAt, `${again.time} is when it was read, after the signal`);
  assert.equal((await json('--out'))[0]!.time, first.time, 'a line keeps its time, however late it is looked at');

  const stamped = (await h.run(['logs', 'a', '--out', '--timestamps'])).stdout.trim().split('\n');
  assert.equal(stamped[0], `${first.time} a|out first`);
  assert.equal((await h.run(['logs', 'a', '--out', '--timestamp'])).stdout.trim().split('\n')[0], stamped[0], "PM2's `logs --timestamp`");
  // PM2's spelling, and escaping: the ESC, BEL and bidi characters the app wrote are shown, not obeyed.
  const time = (await h.run(['logs', 'a', '--out', '--time', '--raw'])).stdout;
  assert.match(time, /^\S+Z evil \\x1b\[2J\\x1b\]0;owned\\x07 \\u202eend$/m);
  assert.doesNotMatch(time, /[\x1b\x07\u202e]/);
  assert.doesNotMatch((await h.run(['logs', 'a', '--json'])).stdout, /[\x1b\x07\u202e]/);

  // logs -f --json: new lines come with their read time too.
  const follower = spawn(NODE, [BIN, 'logs', 'a', '--out', '-f', '-n', '0', '--json'], { env: h.env(), stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => follower.kill('SIGKILL'));
  let followed = '';
  follower.stdout.on('data', (d) => { followed += d; });
  await waitFor('the follower running', () => existsSync(`/proc/${follower.pid}`));
  const followedLine = await waitFor('a followed line', () => {
    process.kill(pid, 'SIGUSR2');
    return followed.split('\n').filter(Boolean).map((l) => JSON.parse(l) as JsonLine).find((l) => l.line.startsWith('again '));
  }, 15_000, 300);
  assert.ok(Date.parse(followedLine.time!) >= againAt);

  // flush empties the capture (and its time index); what comes next is captured, with its own time.
  const logs = join(h.home, 'logs');
  assert.equal((await h.run(['flush', 'a'])).stdout.trim(), 'flushed a');
  for (const f of readdirSync(logs)) assert.equal(statSync(join(logs, f)).size, 0, `${f} is empty`);
  assert.deepEqual(await json(), []);
  const beforeFlushLine = Date.now();
  process.kill(pid, 'SIGUSR2');
  const afterFlush = await waitFor('a line after the flush', async () => { const l = await json(); return l.length ? l : undefined; });
  assert.equal(afterFlush.length, 1);
  assert.match(afterFlush[0]!.line, /^again \d+$/);
  assert.ok(Date.parse(afterFlush[0]!.time!) >= beforeFlushLine, 'the time index restarts with the file');
  assert.equal((await h.run(['flush'])).stdout.trim(), 'flushed a');
});
