// The daemon's plain-stream end of an app's IPC channel: a Node app's process.send() reaches it
// unchanged (NODE_CHANNEL_FD), a non-Node app's JSON line too, and the daemon's 'shutdown' reaches
// process.on('message'). Real processes on a real socketpair.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import { AppChannel, channelEnv } from '../../src/supervisor/app-channel.js';
import { waitFor } from '../helpers/wait-for.js';

function start(t: TestContext, file: string, args: string[]): { channel: AppChannel; seen: { beats: number; ready: number }; exited: Promise<number | null> } {
  const child = spawn(file, args, { stdio: ['ignore', 'inherit', 'inherit', 'pipe'], env: { ...process.env, ...channelEnv(3) } });
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const seen = { beats: 0, ready: 0 };
  const channel = new AppChannel(child.stdio[3] as Socket, { heartbeat: () => seen.beats++, ready: () => seen.ready++ });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { channel, seen, exited };
}

// Beats, 'ready', a message too long to matter, a handle (the daemon cannot take it: its answer must
// still let the later beats through), then waits for 'shutdown' and exits 7.
const NODE_APP = `
const { createServer } = require('node:net');
process.send({ bulwark: 'heartbeat' });
process.send('ready');
process.send({ big: 'x'.repeat(100_000) });
const server = createServer().listen(0, '127.0.0.1', () => {
  process.send({ here: 'a handle' }, server, () => {
    for (let i = 0; i < 3; i++) process.send({ bulwark: 'heartbeat' });
    process.send({ bulwark: 'ready' });
  });
});
process.on('message', (m) => { if (m === 'shutdown') process.exit(7); });
`;

test("a Node app's process.send() reaches the daemon: beats, 'ready', after a handle too; 'shutdown' reaches the app", async (t) => {
  const app = start(t, process.execPath, ['-e', NODE_APP]);
  await waitFor('four beats and two readies', () => app.seen.beats === 4 && app.seen.ready === 2);
  assert.equal(app.channel.connected, true);
  assert.equal(app.channel.send('shutdown'), true);
  assert.equal(await app.exited, 7);
  await waitFor('the channel closed', () => !app.channel.connected);
  assert.equal(app.channel.send('shutdown'), false);
  assert.deepEqual(app.seen, { beats: 4, ready: 2 });
});

test('a non-Node app beats by writing the JSON line to the fd; other lines are not beats', async (t) => {
  const script = 'printf \'{"bulwark":"heartbeat"}\\nnot json\\n{"bulwark":"other"}\\n{ "bulwark" : "heartbeat" }\\n{"bulwark":"heart\' >&3; sleep 0.2; printf \'beat"}\\n\' >&3';
  const app = start(t, 'bash', ['-c', script]);
  assert.equal(await app.exited, 0);
  await waitFor('three beats (one split across two writes)', () => app.seen.beats === 3);
  assert.equal(app.seen.ready, 0);
});

// A bash app: a beat each time the daemon says 'go' (so the test knows when bytes are waiting), and
// exits 5 on 'shutdown'.
const ON_CUE = `while read -r line <&3; do case "$line" in *go*) printf '{"bulwark":"heartbeat"}\\n' >&3;; *shutdown*) exit 5;; esac; done`;

test('read on demand: beats wait in the socket until drain(), which reads them all; messages still reach the app', async (t) => {
  const app = start(t, 'bash', ['-c', ON_CUE]);
  assert.equal(app.channel.send('go'), true);
  await waitFor('the first beat, read as it came', () => app.seen.beats === 1);
  assert.equal(app.channel.readOnDemand(), true);
  assert.equal(app.channel.readOnDemand(), true, 'asking twice changes nothing');
  app.channel.drain();
  assert.equal(app.seen.beats, 1, 'nothing waiting: a drain reads nothing');
  for (let i = 0; i < 3; i++) app.channel.send('go');
  // Not read by itself: drain() is the only reader now, and the beats land in the socket meanwhile.
  await waitFor('three beats read by drain()', () => { app.channel.drain(); return app.seen.beats === 4; });
  assert.equal(app.channel.send('shutdown'), true);
  assert.equal(await app.exited, 5);
  app.channel.drain(); // the end of the stream: no error, nothing seen
  app.channel.close();
  app.channel.drain(); // closed: its fd is not read again (the number may be another file's by now)
  assert.equal(app.channel.connected, false);
  assert.deepEqual(app.seen, { beats: 4, ready: 0 });
});

test('read on demand: without drain() nothing is read, however long the app writes', async (t) => {
  const app = start(t, 'bash', ['-c', ON_CUE]);
  app.channel.send('go');
  await waitFor('the first beat', () => app.seen.beats === 1);
  app.channel.readOnDemand();
  for (let i = 0; i < 5; i++) app.channel.send('go');
  const reader = start(t, 'bash', ['-c', ON_CUE]); // a second app on the same event loop, read as it writes
  for (let i = 0; i < 5; i++) reader.channel.send('go');
  await waitFor('the other app\'s five beats', () => reader.seen.beats === 5);
  assert.equal(app.seen.beats, 1, 'the on-demand channel was not read on its writes');
  await waitFor('drain() reads the five', () => { app.channel.drain(); return app.seen.beats === 6; });
});
