import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BanManager } from '../../src/ban/manager.js';
import { BanError, type BanBackend } from '../../src/ban/backend.js';
import type { ActiveBan } from '../../src/ban/ban-store.js';
import { securitySchema } from '../../src/config/schema/security.js';
import type { BanEvent, SecurityEvent } from '../../src/events/types.js';
import { waitFor } from '../helpers/wait-for.js';

/** Records what the manager asks of the firewall; can be told to fail. */
class RecordingBackend implements BanBackend {
  readonly name = 'nftables';
  calls: { op: string; targets: string[]; inForce?: boolean; keep?: boolean; remainingMs?: number[] }[] = [];
  failAdds = false;
  async start(bans: readonly ActiveBan[], inForce: boolean, now: number) {
    this.calls.push({ op: 'start', targets: bans.map((b) => b.target), inForce, remainingMs: bans.map((b) => b.until - now) });
  }
  async add(bans: readonly ActiveBan[]) {
    if (this.failAdds) throw new BanError('EBAN_PERM', 'nft: Operation not permitted');
    this.calls.push({ op: 'add', targets: bans.map((b) => b.target) });
  }
  async remove(bans: readonly ActiveBan[]) { this.calls.push({ op: 'remove', targets: bans.map((b) => b.target) }); }
  async expire(bans: readonly ActiveBan[]) { this.calls.push({ op: 'expire', targets: bans.map((b) => b.target) }); }
  async stop(keep: boolean, bans: readonly ActiveBan[]) { this.calls.push({ op: 'stop', keep, targets: bans.map((b) => b.target) }); }
  ops(op: string) { return this.calls.filter((c) => c.op === op); }
}

function setup(t: { after(fn: () => void): void }, ban: Record<string, unknown> = {}, ignore: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-bans-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cfg = securitySchema.parse({ ignore, ban: { enabled: true, ...ban } });
  const events: BanEvent[] = [];
  const make = (backend = new RecordingBackend(), now?: () => number) => {
    const m = new BanManager(cfg.ban, cfg.ignore, { stateDir: dir, emit: (e) => events.push(e), backend, hostAddresses: () => ['192.0.2.1'], now });
    return { m, backend };
  };
  return { dir, cfg, events, make };
}

function detection(ip: string, over: Partial<SecurityEvent> = {}): SecurityEvent {
  return {
    id: `d-${ip}`, type: 'security', at: new Date().toISOString(), kind: 'brute-force', app: 'api', source: 'stdout',
    line: `Failed password for root from ${ip}`, ip, user: 'root', rule: 'brute-force-ip', severity: 'high', message: 'm', count: 5, ...over,
  };
}

const kinds = (events: BanEvent[]) => events.map((e) => e.kind);

test('a detection bans its address once, and says so in a ban event', async (t) => {
  const { events, make } = setup(t);
  const { m, backend } = make();
  await m.start();
  m.consider(detection('198.51.100.7'));
  m.consider(detection('198.51.100.7')); // the same attacker again: already banned
  await waitFor('the ban event', () => events.find((e) => e.kind === 'ban'));
  assert.deepEqual(backend.ops('add').map((c) => c.targets), [['198.51.100.7']]);
  const e = events.find((x) => x.kind === 'ban')!;
  assert.equal(e.ip, '198.51.100.7');
  assert.equal(e.by, 'detection');
  assert.equal(e.securityKind, 'brute-force');
  assert.equal(e.eventId, 'd-198.51.100.7');
  assert.equal(e.app, 'api');
  assert.equal(e.durationMs, 600_000);
  assert.match(e.message, /banned 198\.51\.100\.7 for 10m: brute-force \(rule brute-force-ip, 5 events\)/);
  assert.deepEqual(m.list().map((b) => b.target), ['198.51.100.7']);
  await m.close(true);
});

test('protected addresses are refused (said once), and detections below the policy do nothing', async (t) => {
  const { events, make } = setup(t, {}, ['203.0.113.0/24']);
  const { m, backend } = make();
  await m.start();
  for (let i = 0; i < 3; i++) m.consider(detection('203.0.113.5'));
  m.consider(detection('192.0.2.1'));
  m.consider(detection('127.0.0.1'));
  m.consider(detection('198.51.100.8', { severity: 'medium' }));
  m.consider(detection('198.51.100.9', { rule: 'brute-force-user' }));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(backend.ops('add'), []);
  assert.deepEqual(kinds(events), ['ban.refused', 'ban.refused', 'ban.refused']);
  assert.equal(m.status().refused, 5);
  await assert.rejects(m.ban('192.0.2.1', undefined, undefined), (e: BanError) => e.code === 'EBAN_PROTECTED' && /this host's addresses/.test(e.message));
  await assert.rejects(m.ban('not-an-ip', undefined, undefined), (e: BanError) => e.code === 'EBAN_BADIP');
  await m.close(true);
});

test('maxBans caps the set: further bans are refused and reported once', async (t) => {
  const { events, make } = setup(t, { maxBans: 2 });
  const { m, backend } = make();
  await m.start();
  for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4']) m.consider(detection(ip));
  await waitFor('two bans', () => backend.ops('add').length === 2);
  assert.equal(m.list().length, 2);
  assert.deepEqual(kinds(events).filter((k) => k !== 'ban'), ['ban.full']);
  await assert.rejects(m.ban('198.51.100.5', 60_000, undefined), (e: BanError) => e.code === 'EBAN_FULL');
  await m.close(true);
});

test('a ban storm raises ban.storm and pauses automatic banning; manual bans still work', async (t) => {
  let now = 1_000_000;
  const { events, make } = setup(t, { storm: { bans: 3, per: '1m', pause: '10m' } });
  const { m, backend } = make(undefined, () => now);
  await m.start();
  for (let i = 1; i <= 6; i++) m.consider(detection(`198.51.100.${i}`));
  await waitFor('three bans', () => backend.ops('add').length === 3);
  assert.deepEqual(kinds(events).filter((k) => k !== 'ban'), ['ban.storm']);
  assert.match(events.find((e) => e.kind === 'ban.storm')!.message, /more than 3 bans within 1m; automatic banning paused for 10m/);
  assert.ok(m.status().pausedUntil);
  await m.ban('198.51.100.9', 60_000, 'by hand');
  now += 11 * 60_000;
  m.consider(detection('198.51.100.10'));
  await waitFor('banning again after the pause', () => m.list().some((b) => b.target === '198.51.100.10'));
  await m.close(true);
});

test('repeat offenders get twice the time for each earlier ban', async (t) => {
  const { events, make } = setup(t, { bantime: '10m' });
  const { m } = make();
  await m.start();
  for (let i = 0; i < 3; i++) {
    m.consider(detection('198.51.100.7'));
    await waitFor('the ban', () => m.list().length === 1);
    await m.unban('198.51.100.7');
  }
  const bans = events.filter((e) => e.kind === 'ban');
  assert.deepEqual(bans.map((e) => [e.count, e.durationMs]), [[1, 600_000], [2, 1_200_000], [3, 2_400_000]]);
  assert.match(bans[2]!.message, /ban #3 of this address/);
  await m.close(true);
});

test('bans end on their own: unban events, and the backend told (exec needs it)', async (t) => {
  const { events, make } = setup(t);
  const { m, backend } = make();
  await m.start();
  await m.ban('198.51.100.7', 1000, undefined);
  await m.ban('198.51.100.8', 1200, undefined);
  await waitFor('both expiries', () => events.filter((e) => e.kind === 'unban').length === 2, 10_000);
  assert.deepEqual(events.filter((e) => e.kind === 'unban').map((e) => e.by), ['expiry', 'expiry']);
  assert.deepEqual(backend.ops('expire').flatMap((c) => c.targets).sort(), ['198.51.100.7', '198.51.100.8']);
  assert.deepEqual(m.list(), []);
  await m.close(true);
});

test('a restarted daemon takes the bans over with their remaining time; ended ones are lifted', async (t) => {
  const { events, make, dir } = setup(t);
  const first = make();
  await first.m.start();
  await first.m.ban('198.51.100.7', 600_000, 'long');
  await first.m.ban('198.51.100.8', 1000, 'short');
  await first.m.close(false); // a new config: the bans stay in force
  assert.deepEqual(first.backend.ops('stop').map((c) => c.keep), [true]);
  assert.equal(JSON.parse(readFileSync(join(dir, 'bans.json'), 'utf8')).bans.length, 2);
  await new Promise((r) => setTimeout(r, 1100));
  const second = make();
  await second.m.start();
  const [start] = second.backend.ops('start');
  assert.deepEqual(start!.targets, ['198.51.100.7']);
  assert.equal(start!.inForce, true);
  assert.ok(start!.remainingMs![0]! <= 600_000 - 1100 && start!.remainingMs![0]! > 590_000, String(start!.remainingMs));
  assert.deepEqual(second.backend.ops('expire').map((c) => c.targets), [['198.51.100.8']]);
  assert.ok(events.some((e) => e.kind === 'unban' && e.target === '198.51.100.8' && e.by === 'expiry'));
  assert.ok(events.some((e) => e.kind === 'ban.restored' && e.count === 1));
  await second.m.close(true);
});

test('kill lifts the bans unless persist; the next start knows whether they are still in force', async (t) => {
  const plain = setup(t);
  const a = plain.make();
  await a.m.start();
  await a.m.ban('198.51.100.7', 600_000, undefined);
  await a.m.close(true);
  assert.deepEqual(a.backend.ops('stop').map((c) => [c.keep, c.targets]), [[false, ['198.51.100.7']]]);
  const b = plain.make();
  await b.m.start();
  assert.equal(b.backend.ops('start')[0]!.inForce, false, 'kill lifted them: exec must apply them again');
  await b.m.close(true);

  const kept = setup(t, { persist: true });
  const c = kept.make();
  await c.m.start();
  await c.m.ban('198.51.100.7', 600_000, undefined);
  await c.m.close(true);
  assert.deepEqual(c.backend.ops('stop').map((x) => x.keep), [true]);
  const d = kept.make();
  await d.m.start();
  assert.equal(d.backend.ops('start')[0]!.inForce, true);
  await d.m.close(true);
});

test('a failing backend: ban.error, nothing recorded as banned', async (t) => {
  const { events, make } = setup(t);
  const backend = new RecordingBackend();
  backend.failAdds = true;
  const { m } = make(backend);
  await m.start();
  m.consider(detection('198.51.100.7'));
  await waitFor('the error event', () => events.find((e) => e.kind === 'ban.error'));
  assert.match(events.find((e) => e.kind === 'ban.error')!.message, /Operation not permitted/);
  assert.deepEqual(m.list(), []);
  assert.equal(m.status().errors, 1);
  await assert.rejects(m.ban('198.51.100.8', 60_000, undefined), /Operation not permitted/);
  await m.close(true);
});

test('unban finds a prefix ban from any address in it; unban all; unknown targets are an error', async (t) => {
  const { make } = setup(t, { prefix: { v4: 24, v6: 64 } });
  const { m, backend } = make();
  await m.start();
  const b = await m.ban('198.51.100.77', 60_000, undefined);
  assert.equal(b.target, '198.51.100.0/24');
  await m.ban('2001:db8:5::9', 60_000, undefined);
  assert.deepEqual((await m.unban('198.51.100.3')).map((x) => x.target), ['198.51.100.0/24']);
  await assert.rejects(m.unban('198.51.100.3'), (e: BanError) => e.code === 'EBAN_NOTBANNED');
  assert.deepEqual((await m.unban('all')).map((x) => x.target), ['2001:db8:5::/64']);
  assert.deepEqual(await m.unban('all'), []);
  assert.deepEqual(backend.ops('remove').map((c) => c.targets), [['198.51.100.0/24'], ['2001:db8:5::/64']]);
  await m.close(true);
});

test('dryRun: bans are decided and reported as such, nothing is applied', async (t) => {
  const { events, dir, cfg } = setup(t, { dryRun: true });
  const m = new BanManager(cfg.ban, [], { stateDir: dir, emit: (e) => events.push(e) }); // the backend comes from the config
  await m.start();
  m.consider(detection('198.51.100.7'));
  await waitFor('the ban event', () => events.find((e) => e.kind === 'ban'));
  assert.equal(events.find((e) => e.kind === 'ban')!.dryRun, true);
  assert.equal(m.status().backend, 'dry-run');
  await m.close(true);
});
