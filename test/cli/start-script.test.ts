import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

interface Status { name: string; pid: number | null; state: string }

// Writes its argv as JSON to ARGV_FILE (one line per run), then idles.
const ECHO = "require('fs').appendFileSync(process.env.ARGV_FILE, JSON.stringify(process.argv.slice(2)) + '\\n'); setInterval(() => {}, 1000);\n";

function runs(h: TestHome): string[][] {
  try {
    return readFileSync(join(h.dir, 'argv.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
  } catch {
    return [];
  }
}

test('arguments after -- reach the app verbatim, as strings (numbers, leading zeros, flags and all)', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  h.write('server.cjs', ECHO);
  const args = ['--port', '3000', '007', '1e3', '-x', '--', 'two words', '-1'];
  const r = await h.run(['start', 'server.cjs', '--name', 'api', '--', ...args], { env: { ARGV_FILE: join(h.dir, 'argv.jsonl') } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /added: app api/);
  const [first] = await waitFor('the app wrote its argv', () => (runs(h).length ? runs(h) : null));
  assert.deepEqual(first, args);
});

test('starting a name that exists is refused (exit 1, with a hint) unless --force; start NAME starts a stopped app and leaves an online one alone', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  h.write('server.cjs', ECHO);
  const env = { ARGV_FILE: join(h.dir, 'argv.jsonl') };
  assert.equal((await h.run(['start', 'server.cjs', '--name', 'api', '--', '--port', '3000'], { env })).code, 0);
  const [before] = await h.json<Status[]>(['status', 'api']);

  const again = await h.run(['start', 'server.cjs', '--name', 'api', '--', '--port', '4000'], { env });
  assert.equal(again.code, 1, again.stderr);
  assert.match(again.stderr, /app "api" already exists \(online, started from the command line \(\S+server\.cjs\)\)/);
  assert.match(again.stderr, /--force \(-f\)/);
  const [same] = await h.json<Status[]>(['status', 'api']);
  assert.equal(same!.pid, before!.pid, 'the running app was not touched');
  assert.deepEqual(runs(h), [['--port', '3000']], 'its arguments were not dropped');

  const forced = await h.run(['start', 'server.cjs', '--name', 'api', '-f', '--', '--port', '4000'], { env });
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /changed: app api/);
  await waitFor('the replaced run', () => runs(h).length === 2);
  assert.deepEqual(runs(h)[1], ['--port', '4000']);

  const online = await h.run(['start', 'api']);
  assert.equal(online.code, 0, online.stderr);
  assert.match(online.stdout, /api is already online/);
  assert.equal(runs(h).length, 2, 'an online app is not restarted');

  assert.equal((await h.run(['stop', 'api'])).code, 0);
  const started = await h.run(['start', 'api']);
  assert.equal(started.code, 0, started.stderr);
  assert.match(started.stdout, /started api/);
  const [after] = await h.json<Status[]>(['status', 'api']);
  assert.equal(after!.state, 'online');
  assert.deepEqual(runs(h)[2], ['--port', '4000'], 'a stopped app starts with its own arguments');
});
