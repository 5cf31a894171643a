// The programmatic API through the package's own name (self-reference: package.json `exports`),
// against a real daemon in a temporary home.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connect, ConfigError, DaemonUnreachableError, RemoteError, VERSION, type BulwarkEvent } from 'bulwark';
import { TestHome, isAlive } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const IDLE = resolve(import.meta.dirname, '../helpers/apps/idle.mjs');

test("connect() from 'bulwark' starts the daemon, and start, stop, restart, reload, delete and status act on it", async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  await assert.rejects(connect({ home: h.home, launch: false }), DaemonUnreachableError);
  const client = await connect({ home: h.home });
  t.after(() => client.close());
  assert.equal((await client.daemon()).version, VERSION);

  assert.deepEqual(await client.start({ name: 'a', script: IDLE }), ['a']);
  const [a] = await client.status('a');
  assert.equal(a?.state, 'online');
  assert.ok(a.pid && isAlive(a.pid));

  // Like `bulwark start script --name a`: a name that exists is refused, unless forced.
  await assert.rejects(client.start({ name: 'a', script: IDLE }), (err) => err instanceof RemoteError && err.code === 'ECLASH');
  assert.deepEqual(await client.start({ name: 'a', script: IDLE }, { force: true }), ['a']);
  assert.deepEqual(await client.restart('a'), ['a']);
  const [afterRestart] = await client.status('a');
  assert.notEqual(afterRestart?.pid, a.pid);
  assert.ok(!isAlive(a.pid));
  assert.deepEqual(await client.reload('a'), ['a']);
  assert.notEqual((await client.status('a'))[0]?.pid, afterRestart?.pid);

  assert.deepEqual(await client.stop('a'), ['a']);
  assert.equal((await client.status('a'))[0]?.state, 'stopped');
  assert.deepEqual(await client.start('a'), ['a']);
  assert.equal((await client.status('a'))[0]?.state, 'online');

  await assert.rejects(client.stop('nope'), (err) => err instanceof RemoteError && err.code === 'EUNKNOWN_APP' && /known: a/.test(err.message));
  await assert.rejects(client.start({ name: 'bad name', script: IDLE }), (err) => err instanceof ConfigError && /apps\[0\]\.name/.test(err.message));

  // Like `bulwark start` from a shell, the program's environment reaches the app below its own env.
  process.env.BULWARK_API_CALLER = 'from-the-program';
  t.after(() => { delete process.env.BULWARK_API_CALLER; });
  const printEnv = "console.log(process.env.BULWARK_API_CALLER + ' ' + process.env.OWN); setInterval(() => {}, 1 << 30)";
  await client.start({ name: 'envy', cmd: [process.execPath, '-e', printEnv], env: { OWN: 'own' } });
  await waitFor('the env in the output', () => readFileSync(join(h.home, 'logs', 'envy.out.log'), 'utf8').includes('from-the-program own'));

  assert.deepEqual(await client.delete('all'), ['a', 'envy']);
  assert.deepEqual(await client.status(), []);
});

test('events() is an async iterator of live events that misses nothing published after it resolves, and break ends it', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const client = await connect({ home: h.home });
  t.after(() => client.close());
  await client.start({ name: 'b', script: IDLE });
  const stream = await client.events({ app: 'b', type: 'lifecycle' });
  const restarted = client.restart('b'); // published after the stream is registered: all of it arrives
  const seen: BulwarkEvent[] = [];
  for await (const e of stream) {
    seen.push(e);
    if (e.kind === 'online') break;
  }
  await restarted;
  assert.ok(seen.some((e) => e.kind === 'restart'), seen.map((e) => e.kind).join(' '));
  assert.ok(seen.every((e) => e.type === 'lifecycle' && e.app === 'b'));
  assert.equal(seen.at(-1)?.kind, 'online');

  const history = await client.history({ app: 'b', type: 'online' });
  assert.equal(history.length, 2, 'the first start and the restart');
  const replay = await client.events({ app: 'b', type: 'online', history: 1 });
  const first = await replay.next();
  assert.equal(first.done, false);
  assert.equal((first.value as BulwarkEvent).id, history[1]!.id);
  replay.close();
  assert.equal((await replay.next()).done, true);

  // When the daemon goes away, a stream gets what it published while stopping, then fails instead of hanging.
  const live = await client.events();
  const drained = assert.rejects(async () => { for await (const e of live) assert.ok(e.id); }, DaemonUnreachableError);
  const other = await connect({ home: h.home, launch: false });
  await other.killDaemon();
  await drained;
});
