import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lifecycle, security, startManager, tempDir } from './helpers/fixtures.js';
import { waitFor } from '../helpers/wait-for.js';

// A receiver script: records its argv and stdin, exits with the code it is told.
const RECORDER = `
const fs = require('node:fs');
let input = '';
process.stdin.setEncoding('utf8').on('data', (c) => { input += c; }).on('end', () => {
  fs.writeFileSync(process.argv[2], JSON.stringify({ argv: process.argv.slice(3), stdin: input, kind: process.env.BULWARK_ALERT_KIND }));
  process.exit(Number(process.env.EXIT_CODE || 0));
});
`;

test('the exec channel gets the alert JSON on stdin, and shell syntax stays data (no shell)', async (t) => {
  const dir = tempDir(t);
  const script = join(dir, 'recorder.cjs');
  writeFileSync(script, RECORDER);
  const out = join(dir, 'out.json');
  const canary = join(dir, 'canary');
  writeFileSync(canary, 'still here');
  const hostile = `; rm -rf ${canary} && touch ${join(dir, 'pwned')}`;
  const { manager, events } = await startManager(t, {
    channels: [{ type: 'exec', command: [process.execPath, script, out, hostile, '$(touch pwned2)'] }],
  });
  manager.accept(security({ message: `attack${hostile}`, line: `GET /${hostile}` }));
  await waitFor('alert.sent from exec', () => events.some((e) => e.kind === 'alert.sent'));
  const got = JSON.parse(readFileSync(out, 'utf8')) as { argv: string[]; stdin: string; kind: string };
  assert.deepEqual(got.argv, [hostile, '$(touch pwned2)']);
  const alert = JSON.parse(got.stdin);
  assert.equal(alert.kind, 'security');
  assert.equal(alert.reason, `attack${hostile}`);
  assert.equal(alert.line, `GET /${hostile}`);
  assert.equal(got.kind, 'security');
  assert.ok(existsSync(canary), 'nothing was removed');
  assert.ok(!existsSync(join(dir, 'pwned')) && !existsSync(join(dir, 'pwned2')));
});

test('a non-zero exit is a failed attempt with the command\'s stderr; a hung command is killed at the timeout', async (t) => {
  const dir = tempDir(t);
  const failing = join(dir, 'fail.cjs');
  writeFileSync(failing, 'process.stderr.write("pager service said no\\n"); process.exit(3);');
  const hanging = join(dir, 'hang.cjs');
  writeFileSync(hanging, 'setInterval(() => {}, 1000);');
  const { manager, events } = await startManager(t, {
    channels: [
      { type: 'exec', name: 'fails', command: [process.execPath, failing] },
      { type: 'exec', name: 'hangs', command: [process.execPath, hanging], timeout: '700ms' },
    ],
    retry: { initial: '10s', max: '10s' },
  });
  manager.accept(lifecycle('api', 'crash'));
  await waitFor('two failed attempts', () => events.filter((e) => e.kind === 'alert.failed').length === 2);
  const byChannel = Object.fromEntries(events.map((e) => [e.channel, e.error]));
  assert.match(byChannel.fails!, /exited with code 3: pager service said no/);
  assert.match(byChannel.hangs!, /timed out after 700ms/);
});
