// `ban` events are alertable: a ban storm and a failing backend by default, each ban when asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newEventId } from '../../src/events/id.js';
import type { BanEvent } from '../../src/events/types.js';
import { startManager } from '../alerts/helpers/fixtures.js';
import { startWebhook } from '../alerts/helpers/receivers.js';
import { waitFor } from '../helpers/wait-for.js';
import { selectionOf } from '../../src/forward/select.js';

const banEvent = (kind: BanEvent['kind'], extra: Partial<BanEvent> = {}): BanEvent => ({
  id: newEventId(), at: new Date().toISOString(), type: 'ban', kind, message: `${kind} happened`, ...extra,
});

test('by default a ban storm and a failing backend alert (once per window); single bans do not', async (t) => {
  const hook = await startWebhook();
  t.after(() => hook.close());
  const { manager } = await startManager(t, { channels: [{ type: 'webhook', url: hook.url }] });
  manager.accept(banEvent('ban', { ip: '192.0.2.7', target: '192.0.2.7' }));
  manager.accept(banEvent('ban.storm', { message: 'ban storm: more than 100 bans within 1m' }));
  manager.accept(banEvent('ban.error', { message: 'nftables: Operation not permitted' }));
  manager.accept(banEvent('ban.error', { message: 'nftables: Operation not permitted' }));
  manager.accept(banEvent('unban', { ip: '192.0.2.7' }));
  await waitFor('two alerts', () => hook.hits.length >= 2);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(hook.hits.map((h) => h.body.bulwark.kind).sort(), ['ban-error', 'ban-storm']);
  const storm = hook.hits.find((h) => h.body.bulwark.kind === 'ban-storm')!.body;
  assert.equal(storm.bulwark.severity, 'critical');
  assert.match(storm.text, /ban-storm: ban storm: more than 100 bans/);
});

test('`on: [ban]` alerts every ban, with the address', async (t) => {
  const hook = await startWebhook();
  t.after(() => hook.close());
  const { manager } = await startManager(t, { channels: [{ type: 'webhook', url: hook.url }], on: ['ban'] });
  manager.accept(banEvent('ban', { ip: '192.0.2.7', target: '192.0.2.7', app: 'api', message: 'banned 192.0.2.7 for 10m: brute-force' }));
  manager.accept(banEvent('ban', { ip: '192.0.2.8', target: '192.0.2.8', app: 'api', message: 'banned 192.0.2.8 for 10m: brute-force' }));
  await waitFor('two alerts', () => hook.hits.length === 2);
  assert.deepEqual(hook.hits.map((h) => h.body.bulwark.ip).sort(), ['192.0.2.7', '192.0.2.8']);
  assert.equal(hook.hits[0]!.body.bulwark.app, 'api');
});

test('ban events travel with the security selection of forward endpoints', () => {
  assert.equal(selectionOf(banEvent('ban')), 'security');
  assert.equal(selectionOf(banEvent('ban.error')), 'security');
});
