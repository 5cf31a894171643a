import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { listenLoopback } from '../helpers/loopback-server.js';

interface Status { name: string; state: string }

const IDLE = 'setInterval(() => {}, 1000);\n';
const app = (name: string) => `  - { name: ${name}, script: idle.cjs, restart: { minUptime: 200ms } }`;

test('each started file owns what it declares: a second file adds its apps, the first one\'s endpoint keeps receiving (also the second file\'s events)', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  let received = '';
  const receiver = await listenLoopback((s) => s.on('data', (d: Buffer) => { received += d.toString(); }));
  t.after(() => receiver.close());
  h.write('idle.cjs', IDLE);
  const a = h.write('a.yml', [
    'apps:', app('web'),
    'forward:', `  - { name: siem, host: 127.0.0.1, port: ${receiver.port}, protocol: tcp, framing: newline, select: [lifecycle] }`,
    'alerts:', '  channels:', '    - { type: exec, command: [/bin/true] }', '',
  ].join('\n'));
  const b = h.write('b.yml', ['apps:', app('worker'), ''].join('\n'));

  const first = await h.run(['start', a]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /added: app web, forward endpoint siem, alert channel exec/);
  const second = await h.run(['start', b]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /^added: app worker$/m);
  assert.doesNotMatch(second.stdout, /removed/);

  const forward = await h.run(['forward', 'status']);
  assert.match(forward.stdout, /^siem\s/m, 'the first file\'s endpoint survived');
  // The worker's lifecycle reaches the endpoint the first file declared.
  await waitFor('worker events at the first file\'s endpoint', () => /worker/.test(received) && /web/.test(received));

  // Starting the first file again with one app less removes only what it owned.
  h.write('a.yml', ['apps:', app('web'), app('api'), ''].join('\n'));
  const edited = await h.run(['start', a]);
  assert.equal(edited.code, 0, edited.stderr);
  assert.match(edited.stdout, /^added: app api$/m);
  assert.match(edited.stdout, /^removed: forward endpoint siem, alert channel exec$/m);
  const names = (await h.json<Status[]>(['status'])).map((s) => s.name).sort();
  assert.deepEqual(names, ['api', 'web', 'worker']);
});

test('the same app name from two files is an error naming both; apply --replace makes the daemon run exactly one file', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  h.write('idle.cjs', IDLE);
  const a = h.write('a.yml', ['apps:', app('web'), app('api'), ''].join('\n'));
  const c = h.write('c.yml', ['apps:', '  - { name: api, script: idle.cjs, args: [v2], restart: { minUptime: 200ms } }', app('cron'), ''].join('\n'));
  assert.equal((await h.run(['start', a])).code, 0);

  const clash = await h.run(['start', c]);
  assert.equal(clash.code, 1, clash.stderr);
  assert.match(clash.stderr, /app "api" is already declared by \S+a\.yml; \S+c\.yml declares it too/);
  assert.match(clash.stderr, /apply \S+c\.yml --replace/);
  assert.deepEqual((await h.json<Status[]>(['status'])).map((s) => s.name).sort(), ['api', 'web'], 'nothing changed');

  const dry = await h.run(['apply', c, '--replace', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /would be removed: app web/);
  assert.deepEqual((await h.json<Status[]>(['status'])).map((s) => s.name).sort(), ['api', 'web'], 'a dry run changes nothing');

  const only = await h.run(['apply', c, '--replace']);
  assert.equal(only.code, 0, only.stderr);
  assert.match(only.stdout, /^added: app cron$/m);
  assert.match(only.stdout, /^changed: app api$/m);
  assert.match(only.stdout, /^removed: app web$/m);
  const now = await h.json<Status[]>(['status']);
  assert.deepEqual(now.map((s) => s.name).sort(), ['api', 'cron']);
  assert.ok(now.every((s) => s.state === 'online'));
});
