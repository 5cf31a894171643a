// One behaviour for every command: unknown app, endpoint or channel names exit 1 and list the known
// ones; invalid values are usage errors (exit 2); a missing required argument is one usage line;
// `alert test` takes --config like `forward test`; Ctrl-C ends `logs -f` and `events -f` alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BIN, TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const NODE = process.execPath;
const IDLE = resolve(import.meta.dirname, '../helpers/apps/idle.mjs');

function config(h: TestHome, alertOut: string): string {
  const saveStdin = `require('fs').writeFileSync(process.argv[1], require('fs').readFileSync(0))`;
  return h.write('b.yml', `apps:
  - { name: api, script: ${JSON.stringify(IDLE)} }
  - { name: web, script: ${JSON.stringify(IDLE)} }
forward:
  - { name: edge, host: 127.0.0.1, port: 9, protocol: udp }
alerts:
  channels:
    - { type: exec, name: pager, command: [${JSON.stringify(NODE)}, "-e", ${JSON.stringify(saveStdin)}, ${JSON.stringify(alertOut)}] }
    - { type: exec, name: broken, command: ["/bin/false"] }
`);
}

test('unknown app, endpoint and channel names exit 1 and list the known names, in every command', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const cfg = config(h, join(h.dir, 'alert.json'));
  assert.equal((await h.run(['start', cfg])).code, 0);
  const cases: [string[], RegExp][] = [
    [['stop', 'nope'], /no app named "nope" \(known: api, web\)/],
    [['restart', 'nope'], /no app named "nope" \(known: api, web\)/],
    [['status', 'nope'], /no app named "nope" \(known: api, web\)/],
    [['describe', 'nope'], /no app named "nope" \(known: api, web\)/],
    [['logs', 'nope'], /no app named "nope" \(known: api, web\)/],
    [['flush', 'nope'], /no app named "nope" \(known: api, web\)/],
    [['events', '--app', 'nope'], /no app named "nope" \(known: api, web\)/],
    [['forward', 'test', 'nope'], /no forward endpoint named "nope" \(known: edge\)/],
    [['forward', 'status', 'nope'], /no forward endpoint named "nope" \(known: edge\)/],
    [['forward', 'test', 'nope', '--config', cfg], /no forward endpoint named "nope" \(known: edge\)/],
    [['alert', 'test', 'nope'], /no alert channel named "nope" \(known: pager, broken\)/],
    [['alert', 'test', 'nope', '--config', cfg], /no alert channel named "nope" \(known: pager, broken\)/],
  ];
  for (const [args, message] of cases) {
    const r = await h.run(args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
  }
});

test('invalid values are usage errors (exit 2) and a missing argument is one line of usage', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const usage: [string[], RegExp][] = [
    [['logs', '-n', 'abc'], /-n takes a whole number/],
    [['logs', '-n', '-3'], /-n takes a whole number/],
    [['events', '-n', 'many'], /-n takes a whole number/],
    [['offenders', '-n', '1.5'], /-n takes a whole number/],
    [['events', '--type', 'bogus'], /--type "bogus" is not an event type or kind; one of: lifecycle, security, alert, forward, (ban, )?daemon, .*crash/],
    [['alert', 'probe'], /Invalid values/],
  ];
  for (const [args, message] of usage) {
    const r = await h.run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
  }
  for (const [args, line] of [[['stop'], 'usage: bulwark stop <name>'], [['describe'], 'usage: bulwark describe <name>'],
    [['config', 'check'], 'usage: bulwark config <action> <file>'], [['alert'], 'usage: bulwark alert <action> [channel]']] as const) {
    const r = await h.run([...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim(), `${line}   (see bulwark ${args[0]} --help)`);
  }
  assert.equal(existsSync(h.home), false, 'usage errors touch nothing');
});

test('alert test --config sends through the channels of a file without a daemon, and reports each', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const out = join(h.dir, 'alert.json');
  const cfg = config(h, out);
  const ok = await h.run(['alert', 'test', 'pager', '--config', cfg]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.trim(), 'pager: sent');
  assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { kind: string }).kind, 'test');
  const all = await h.run(['alert', 'test', '--config', cfg]);
  assert.equal(all.code, 1);
  assert.match(all.stdout, /^pager: sent$/m);
  assert.match(all.stdout, /^broken: FAILED: /m);
  assert.equal(existsSync(h.home), false, 'no daemon was started');
  const bad = await h.run(['alert', 'test', '--config', h.write('bad.yml', 'alerts:\n  channels:\n    - { type: pigeon }\n')]);
  assert.equal(bad.code, 78, bad.stderr);
});

test('Ctrl-C ends logs -f and events -f with the same exit code (0)', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  assert.equal((await h.run(['start', IDLE, '--name', 'a'])).code, 0);
  const interrupted = async (args: string[]) => {
    const child = spawn(NODE, [BIN, ...args], { env: h.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    await waitFor(`${args.join(' ')} printing`, () => out.length > 0);
    const code = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    child.kill('SIGINT');
    return code;
  };
  const logs = await interrupted(['logs', 'a', '-f']);
  const events = await interrupted(['events', '-f']);
  assert.equal(logs, 0);
  assert.equal(events, 0);
});
