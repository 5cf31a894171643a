// The daemon's plain-stream end of an app's IPC channel: a Node app's process.send() reaches it
// unchanged (NODE_CHANNEL_FD), a non-Node app's JSON line too, and the daemon's 'shutdown' reaches
// process.on('message'). Real processes on a real socketpair.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { AppChannel, channelEnv } from '../../src/supervisor/app-channel.js';
import { waitFor } from '../helpers/wait-for.js';

function start(t: TestContext, file: string, args: string[]): { channel: AppChannel; socket: Socket; seen: { beats: number; ready: number }; exited: Promise<number | null> } {
  const child = spawn(file, args, { stdio: ['ignore', 'inherit', 'inherit', 'pipe'], env: { ...process.env, ...channelEnv(3) } });
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const seen = { beats: 0, ready: 0 };
  const channel = new AppChannel(child.stdio[3] as Socket, { heartbeat: () => seen.beats++, ready: () => seen.ready++ });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { channel, socket: child.stdio[3] as Socket, seen, exited };
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

// Every channel reads into one shared buffer, so a half line held for its newline must have been
// copied out of it. The first app writes half a beat; the second writes a whole line after that, so
// the loop iteration that read the second (an epoll batch holds every fd ready by then) read the
// half before, into the same bytes; only then does the first app write the rest.
test("channels share one read buffer: a half line survives another channel's read in between", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-channel-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [half, go] = [join(dir, 'half'), join(dir, 'go')];
  const first = start(t, 'bash', ['-c', `printf '{"bulwark":"he' >&3; touch ${half}; until [ -e ${go} ]; do sleep 0.01; done; printf 'artbeat"}\\n' >&3; sleep 5`]);
  const second = start(t, 'bash', ['-c', `until [ -e ${half} ]; do sleep 0.01; done; printf '{"bulwark":"ready"}\\n' >&3; sleep 5`]);
  // Read in onread mode, not through 'data' (the fallback where this Node's internals differ).
  assert.deepEqual([first.socket.listenerCount('data'), second.socket.listenerCount('data')], [0, 0]);
  await waitFor("the second app's line", () => second.seen.ready === 1);
  assert.equal(first.seen.beats, 0);
  writeFileSync(go, '');
  await waitFor("the first app's beat, whole", () => first.seen.beats === 1);
  assert.deepEqual([first.seen, second.seen], [{ beats: 1, ready: 0 }, { beats: 0, ready: 1 }]);
});
