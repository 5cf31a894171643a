// A real daemon with `dryRun: true` (no firewall, so no root): detections and the API decide,
// record and report bans exactly as they would apply them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { connect, RemoteError, type BanEvent } from 'bulwark';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const IDLE = resolve(import.meta.dirname, '../helpers/apps/idle.mjs');

test('dryRun: a brute force is banned on paper (events, offenders --banned, status); the API bans and unbans', async (t) => {
  const h = new TestHome('bulwark-ban-dry-');
  t.after(() => h.cleanup());
  const auth = h.write('auth.log', '');
  const cfg = h.write('bulwark.yml', [
    'apps:', '  - name: sshd', `    script: ${IDLE}`, `    logs: { tail: [${auth}] }`,
    'security:', '  ignore: [203.0.113.9]', '  ban: { enabled: true, dryRun: true, bantime: 1h }', '',
  ].join('\n'));
  const started = await h.run(['start', cfg]);
  assert.equal(started.code, 0, started.stderr);
  for (const ip of ['198.51.100.7', '203.0.113.9']) {
    for (let i = 0; i < 5; i++) appendFileSync(auth, `Failed password for root from ${ip} port ${40000 + i} ssh2\n`);
  }
  const client = await connect({ home: h.home, launch: false });
  t.after(() => client.close());
  const ban = await waitFor('the ban', async () => (await client.history({ type: 'ban' })).find((e) => e.kind === 'ban') as BanEvent | undefined);
  assert.equal(ban.ip, '198.51.100.7');
  assert.equal(ban.dryRun, true);
  assert.equal(ban.app, 'sshd');
  const { status, bans } = await client.bans();
  assert.equal(status.backend, 'dry-run');
  assert.deepEqual(bans.map((b) => b.target), ['198.51.100.7'], 'the ignored address is not banned');
  assert.ok(bans[0]!.remainingMs > 3_500_000);

  const manual = await client.ban('2001:DB8::7', { forMs: 120_000, reason: 'from the API' });
  assert.equal(manual.target, '2001:db8::7');
  await assert.rejects(client.ban('127.0.0.1'), (e) => e instanceof RemoteError && e.code === 'EBAN_PROTECTED');
  await assert.rejects(client.ban('198.51.100.8', { reason: 'bad\nreason' }), (e) => e instanceof RemoteError && e.code === 'EBADREQ');
  assert.deepEqual((await client.unban('all')).map((b) => b.target).sort(), ['198.51.100.7', '2001:db8::7']);
  await assert.rejects(client.unban('198.51.100.7'), (e) => e instanceof RemoteError && e.code === 'EBAN_NOTBANNED');

  const table = await h.run(['status']);
  assert.match(table.stdout, /^bans: 0\/10000 in force \(dry run, nothing applied\); since start: 2 banned, 0 refused, 0 error\(s\)$/m);
  const banned = await h.run(['offenders', '--banned']);
  assert.equal(banned.stdout.trim(), 'no bans in force');
});
