// A post-mortem: after the daemon died (SIGKILL), `events` and `offenders` read the history and the
// black book from disk (exit 0, a note on stderr), and `events -f` follows the file until the
// daemon writes to it again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, TestHome, isAlive } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import type { BulwarkEvent } from '../../src/events/types.js';
import type { Offender } from '../../src/logs/offenders.js';

const NODE = process.execPath;
// The user field carries an OSC title sequence and a bidi override: printed, they must stay inert.
const ATTACK = `console.log(JSON.stringify({ category: 'malicious-traffic', ip: '203.0.113.7', user: '\\u001b]0;owned\\u0007eve\\u202e', message: 'blocked a scanner' })); setInterval(() => {}, 1000)`;
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

test('events and offenders read from disk when the daemon is down, and events -f follows the file until it comes back', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const cfg = h.write('b.yml', `apps:\n  - name: shop\n    cmd: [${JSON.stringify(NODE)}, "-e", ${JSON.stringify(ATTACK)}]\n`);
  assert.equal((await h.run(['start', cfg])).code, 0);
  const book = join(h.home, 'state', 'offenders.jsonl');
  await waitFor('the offender on disk', () => existsSync(book) && readFileSync(book, 'utf8').includes('203.0.113.7'), 20_000);
  await waitFor('the detection in the history', () => readFileSync(join(h.home, 'state', 'events.jsonl'), 'utf8').includes('"type":"security"'));

  const pid = h.daemonPid()!;
  process.kill(pid, 'SIGKILL');
  await waitFor('the daemon gone', () => !isAlive(pid));

  const security = await h.run(['events', '--type', 'security', '--json']);
  assert.equal(security.code, 0, security.stderr);
  assert.match(security.stderr, /daemon is not running; reading the history from .*events\.jsonl/);
  const events = security.stdout.trim().split('\n').map((l) => JSON.parse(l) as BulwarkEvent);
  assert.ok(events.length >= 1 && events.every((e) => e.type === 'security'));
  assert.equal(events[0]!.type === 'security' && events[0]!.ip, '203.0.113.7');
  const lifecycle = await h.run(['events', '--app', 'shop']);
  assert.equal(lifecycle.code, 0);
  assert.match(lifecycle.stdout, /lifecycle\s+online\s+shop/);

  const offenders = await h.run(['offenders', '--json']);
  assert.equal(offenders.code, 0, offenders.stderr);
  assert.match(offenders.stderr, /reading the black book from .*offenders\.json/);
  assert.ok((JSON.parse(offenders.stdout) as Offender[]).some((o) => o.type === 'ip' && o.value === '203.0.113.7' && o.counts.tagged === 1));
  const table = (await h.run(['offenders'])).stdout;
  assert.match(table, /ip\s+203\.0\.113\.7\s+1\s+tagged:1/);
  assert.match(table, /user\s+\S*owned\S*eve\S*\s+1\s+tagged:1/); // shown escaped (or cleaned at ingestion), never raw
  const text = (await h.run(['events', '--type', 'security'])).stdout;
  assert.match(text, /user=\S*owned\S*eve\S* /);
  for (const out of [table, text, security.stdout, offenders.stdout]) assert.doesNotMatch(out, RAW_CONTROL);

  // Following while the daemon is down: what the next daemon writes shows up.
  const follower = spawn(NODE, [BIN, 'events', '-f', '-n', '0', '--type', 'daemon'], { env: h.env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let followed = '';
  let note = '';
  follower.stdout.on('data', (d) => { followed += d; });
  follower.stderr.on('data', (d) => { note += d; });
  t.after(() => follower.kill('SIGKILL'));
  await waitFor('the follower reading the file', () => note.includes('reading the history'));
  assert.equal((await h.run(['start', cfg])).code, 0);
  const newPid = h.daemonPid();
  await waitFor('the new daemon start in the followed file', () => followed.includes(`started (pid ${newPid})`), 20_000);
  const exited = new Promise<number | null>((r) => follower.on('close', (code) => r(code)));
  follower.kill('SIGINT');
  assert.equal(await exited, 0, 'Ctrl-C ends events -f with 0');
});
