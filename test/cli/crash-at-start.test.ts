import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

interface Status {
  name: string; state: string; uptimeMs: number; restarts: number;
  lastExit: { code: number | null; signal: string | null; cause?: string; stderr?: string[] } | null;
}

// An uncaught error with properties: Node's output ends with `}`, a blank line and its version banner.
const CRASH = "const e = new Error('listen EADDRINUSE: address already in use :::3000');\nObject.assign(e, { code: 'EADDRINUSE', port: 3000 });\nthrow e;\n";

test('an app that crashes at start makes `start` exit 1 with its exit code and error line; status shows the cause', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  h.write('server.cjs', CRASH);
  const r = await h.run(['start', 'server.cjs', '--name', 'api']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /api failed to start: it exited with code 1 after \d+ms \(a run shorter than restart\.minUptime, 1s, is a failed start\)/);
  assert.match(r.stderr, /^ {4}Error: listen EADDRINUSE: address already in use :::3000$/m);
  assert.match(r.stderr, /^ {8}at .*server\.cjs:1:\d+/m);
  assert.doesNotMatch(r.stderr, /^\s*}\s*$|Node\.js v/m, 'not the tail of the output');
  assert.match(r.stderr, /after 11 failed starts in a row it is errored/);

  const [s] = await h.json<Status[]>(['status', 'api']);
  assert.equal(s!.lastExit!.cause, 'crash');
  assert.equal(s!.lastExit!.code, 1);
  assert.equal(s!.lastExit!.stderr![0], 'Error: listen EADDRINUSE: address already in use :::3000');
  const table = await h.run(['status']);
  assert.match(table.stdout, /^api\s.*crash code 1/m);

  h.write('die.cjs', "process.kill(process.pid, 'SIGKILL');\n");
  const killed = await h.run(['start', 'die.cjs', '--name', 'die']);
  assert.equal(killed.code, 1);
  assert.match(killed.stderr, /die failed to start: it was killed by SIGKILL/);
});

test('`start` returns once a healthy app has survived its minUptime, with exit 0', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  h.write('idle.cjs', 'setInterval(() => {}, 1000);\n');
  const cfg = h.write('bulwark.yml', 'apps:\n  - { name: web, script: idle.cjs, restart: { minUptime: 600ms } }\n');
  const r = await h.run(['start', cfg]);
  assert.equal(r.code, 0, r.stderr);
  const [s] = await h.json<Status[]>(['status', 'web']);
  assert.equal(s!.state, 'online');
  assert.ok(s!.uptimeMs >= 600, `uptime ${s!.uptimeMs} ms when start returned`);
});

test('maxRestarts failed starts in a row make the app errored, with an errored event and alert; start says it is errored', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  h.write('server.cjs', "console.error('Error: missing DATABASE_URL'); process.exit(3);\n");
  const alerts = join(h.dir, 'alerts.jsonl');
  h.write('alert.sh', `#!/bin/sh\ncat >> ${alerts}\necho >> ${alerts}\n`);
  const cfg = h.write('bulwark.yml', [
    'apps:', '  - { name: api, script: server.cjs, restart: { maxRestarts: 2, backoff: { initial: 0ms } } }',
    'alerts:', '  channels:', `    - { type: exec, command: [/bin/sh, ${join(h.dir, 'alert.sh')}] }`, '',
  ].join('\n'));
  const r = await h.run(['start', cfg]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /api failed to start: it exited with code 3/);
  assert.match(r.stderr, /^ {4}Error: missing DATABASE_URL$/m);
  const [s] = await waitFor('errored', async () => {
    const st = await h.json<Status[]>(['status', 'api']);
    return st[0]!.state === 'errored' ? st : null;
  });
  assert.equal(s!.restarts, 2);
  const events = (await h.run(['events', '--app', 'api', '--json'])).stdout;
  assert.match(events, /"kind":"errored","reason":"gave up: 3 failed starts in a row \(each run shorter than minUptime 1s; maxRestarts 2\)/);
  await waitFor('the errored alert', () => readFileSync(alerts, 'utf8').includes('"kind":"errored"'), 20_000);
  const again = await h.run(['start', 'api']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /failed to start/);
});
