// Acceptance (issue 14): real bans in network namespaces. The daemon and a login server run in the
// server namespace; attackers and a friend connect from the client namespace over a veth pair.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BIN, TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { NetnsPair, netnsUnavailable, SERVER_V4, SERVER_V6 } from '../helpers/netns.js';
import type { BanEvent } from '../../src/events/types.js';
import type { PublicBan } from '../../src/daemon/ban-service.js';

const skip = netnsUnavailable();
const APPS = join(import.meta.dirname, '../helpers/apps');
const PORT = '2222';
const ATTACKER = '192.0.2.10';
const FRIEND = '192.0.2.11';
const SLOW_ATTACKER = '192.0.2.12';
const KEPT = '192.0.2.13';
const ATTACKER6 = '2001:db8::10';
const FRIEND6 = '2001:db8::11';
/**
 * Long enough for the probes after a ban on a loaded machine, short enough to watch one run out
 * (the slow attacker is banned in the first test and checked after the others have run).
 */
const BANTIME_S = 20;

describe('bans in network namespaces', { skip, concurrency: false }, () => {
  let pair: NetnsPair;
  let home: TestHome;

  const client = (argv: string[]) => pair.run(pair.client, [process.execPath, join(APPS, 'ban-client.mjs'), ...argv]);
  const probe = async (from: string) => (await client(['probe', from.includes(':') ? SERVER_V6 : SERVER_V4, PORT, from, '1000'])).stdout.trim();
  const attack = (from: string, n = 5) => client(['attack', from.includes(':') ? SERVER_V6 : SERVER_V4, PORT, from, String(n)]);
  const startDaemon = () => pair.run(pair.server, [process.execPath, BIN, 'start', join(home.dir, 'bulwark.yml')], { env: home.env() });
  const banEvents = async (): Promise<BanEvent[]> => {
    const r = await home.run(['events', '--type', 'ban', '--json', '-n', '1000']);
    return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as BanEvent);
  };
  const bans = () => home.json<PublicBan[]>(['offenders', '--banned']);

  before(async () => {
    pair = new NetnsPair();
    for (const a of [ATTACKER, FRIEND, SLOW_ATTACKER, KEPT, ATTACKER6, FRIEND6]) pair.addClient(a);
    home = new TestHome('bulwark-ban-');
    home.write('bulwark.yml', [
      'apps:',
      '  - name: login',
      `    script: ${join(APPS, 'auth-server.mjs')}`,
      `    env: { PORT: "${PORT}" }`,
      'security:',
      `  ignore: [${FRIEND}, "${FRIEND6}"]`,
      `  ban: { enabled: true, bantime: ${BANTIME_S}s }`,
      '',
    ].join('\n'));
    await startDaemon();
    await waitFor('the login server', async () => (await probe(ATTACKER)) === 'open', 30_000, 200);
  });

  after(() => {
    home?.cleanup();
    pair?.close();
  });

  test('a detected attacker can no longer connect; an ignored address in the same attack still can', async () => {
    await Promise.all([attack(ATTACKER), attack(FRIEND), attack(SLOW_ATTACKER)]);
    const events = await waitFor('the bans', async () => {
      const all = await banEvents();
      return [ATTACKER, SLOW_ATTACKER].every((ip) => all.some((e) => e.kind === 'ban' && e.ip === ip)) && all;
    }, 20_000, 100);
    assert.deepEqual((await bans()).map((b) => b.target).sort(), [ATTACKER, SLOW_ATTACKER]);
    const ban = events.find((e) => e.kind === 'ban' && e.ip === ATTACKER)!;
    assert.equal(ban.by, 'detection');
    assert.equal(ban.securityKind, 'brute-force');
    assert.equal(ban.durationMs, BANTIME_S * 1000);
    assert.match(pair.ruleset(), new RegExp(`set ban4 \\{[^}]*elements = \\{[^}]*${ATTACKER.replace(/\./g, '\\.')} timeout`));
    assert.equal(await probe(ATTACKER), 'blocked');
    assert.equal(await probe(SLOW_ATTACKER), 'blocked');
    assert.equal(await probe(FRIEND), 'open');
  });

  test('unban restores access at once', async () => {
    const r = await home.run(['unban', ATTACKER]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await probe(ATTACKER), 'open');
    assert.ok((await banEvents()).some((e) => e.kind === 'unban' && e.target === ATTACKER && e.by === 'user'));
  });

  test('IPv6 too: the attacker is dropped, the ignored address is not', async () => {
    await Promise.all([attack(ATTACKER6), attack(FRIEND6)]);
    await waitFor('the IPv6 ban', async () => (await banEvents()).some((e) => e.kind === 'ban' && e.ip === ATTACKER6), 20_000, 100);
    assert.equal(await probe(ATTACKER6), 'blocked');
    assert.equal(await probe(FRIEND6), 'open');
    assert.ok(!(await bans()).some((b) => b.ip === FRIEND6));
    assert.equal((await home.run(['unban', ATTACKER6])).code, 0);
    assert.equal(await probe(ATTACKER6), 'open');
  });

  test('the host itself and loopback are never banned', async () => {
    for (const ip of [SERVER_V4, SERVER_V6, '127.0.0.1', '::1']) {
      const r = await home.run(['ban', ip]);
      assert.equal(r.code, 1, `${ip}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /refusing to ban/);
    }
  });

  test('a ban runs out on its own, and access comes back', async () => {
    // Banned in the first test, BANTIME_S ago or more by now.
    await waitFor('access after the ban time', async () => (await probe(SLOW_ATTACKER)) === 'open', (BANTIME_S + 15) * 1000, 250);
    await waitFor('the expiry event', async () => (await banEvents()).some((e) => e.kind === 'unban' && e.target === SLOW_ATTACKER && e.by === 'expiry'), 10_000, 200);
    assert.ok(!(await bans()).some((b) => b.target === SLOW_ATTACKER));
  });

  test('a daemon restart keeps a ban with its remaining time; kill removes the table', async () => {
    const r = await home.run(['ban', KEPT, '--for', '10m', '--reason', 'kept across restarts']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await probe(KEPT), 'blocked');
    assert.equal((await home.run(['kill'])).code, 0);
    assert.doesNotMatch(pair.ruleset(), /table inet bulwark/, 'kill removes the table (persist is off)');
    assert.equal(await probe(KEPT), 'refused', 'reachable again (the login server stopped with the daemon)');
    const stoppedAt = Date.now();
    await startDaemon();
    const [kept] = await waitFor('the restored ban', async () => (await bans()).filter((b) => b.target === KEPT), 20_000, 100);
    assert.equal(kept!.reason, 'kept across restarts');
    assert.ok(kept!.remainingMs < 600_000 - (Date.now() - stoppedAt) + 1000 && kept!.remainingMs > 540_000, `remaining ${kept!.remainingMs}ms`);
    const element = new RegExp(`${KEPT.replace(/\./g, '\\.')} timeout 10m expires (\\d+)m`).exec(pair.ruleset());
    assert.ok(element && Number(element[1]) < 10 && Number(element[1]) >= 9, `the kernel holds the remaining time: ${element?.[0]}`);
    assert.equal(await probe(KEPT), 'blocked');
    assert.ok((await banEvents()).some((e) => e.kind === 'ban.restored'));
    assert.match((await home.run(['status'])).stdout, /^bans: 1\/10000 in force \(nftables, table inet bulwark\); since start: 0 banned, 0 refused, 0 error\(s\)$/m);
  });
});
