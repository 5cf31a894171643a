import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BulwarkEvent } from '../../src/events/types.js';
import { lifecycle, security, startManager, tempDir } from './helpers/fixtures.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhook } from './helpers/receivers.js';

test('the syslog channel hands an AlertEvent-shaped record, keyed by the alert id, to the named forward endpoint', async (t) => {
  const enqueued: [string, BulwarkEvent][] = [];
  const forwarder = { enqueue: async (endpoint: string, e: BulwarkEvent) => { enqueued.push([endpoint, e]); } };
  const { manager, events } = await startManager(t, { channels: [{ type: 'syslog', forward: 'papertrail' }] }, { forwarder: () => forwarder });
  manager.accept(security({ kind: 'brute-force', rule: 'brute-force', ip: '192.0.2.44', user: 'root', count: 6 }));
  await waitFor('alert.sent', () => events.some((e) => e.kind === 'alert.sent'));
  assert.equal(enqueued.length, 1);
  const [endpoint, record] = enqueued[0]!;
  assert.equal(endpoint, 'papertrail');
  assert.equal(record.type, 'alert');
  assert.ok(record.type === 'alert');
  assert.equal(record.alertKind, 'security');
  assert.equal(record.app, 'api');
  assert.equal(record.id, record.alertId);
  assert.equal(record.alertId, events[0]!.alertId);
  assert.match(record.message, /security brute-force/);
});

test('without a forwarder the syslog channel fails with a clear error', async (t) => {
  const { manager } = await startManager(t, { channels: [{ type: 'syslog', forward: 'logstash' }] });
  const [r] = await manager.test();
  assert.equal(r!.ok, false);
  assert.match(r!.error!, /no forwarder is running for endpoint "logstash"/);
});

test('alerts accepted before start() and held-back counts at close() are on disk and go out after the next start', async (t) => {
  const hook = await startWebhook();
  t.after(() => hook.close());
  const stateDir = tempDir(t);
  const cfg = { channels: [{ type: 'webhook', url: hook.url }], dedupe: '1h' };
  const { AlertManager } = await import('../../src/alerts/index.js');
  const { alertsSchema } = await import('../../src/config/schema/alerts.js');
  const early = new AlertManager(alertsSchema.parse(cfg), { stateDir, hostname: 'h', emit: () => {} });
  early.accept(lifecycle('api', 'crash'));
  for (let i = 0; i < 5; i++) early.accept(security({ ip: '192.0.2.5' }));
  await early.close(); // never started: nothing sent, everything queued (3 alerts: crash, first detection, summary of 4)
  assert.equal(hook.hits.length, 0);
  const { manager } = await startManager(t, cfg, { stateDir });
  await waitFor('three queued alerts', () => hook.hits.length === 3);
  // Alerts made in the same millisecond have no defined order between them: compare as a set.
  assert.deepEqual(hook.hits.map((h) => `${h.body.bulwark.kind}:${h.body.bulwark.heldBack ?? 0}`).sort(), ['crash:0', 'security:0', 'security:4']);
  // The receiver counts a hit before its answer reaches the manager: wait for the bookkeeping.
  await waitFor('queue drained', () => manager.pendingCount().deliveries === 0);
  assert.deepEqual(manager.pendingCount(), { alerts: 0, deliveries: 0 });
});

test('config: channel names must be unique and `on` may only name channels that exist', async () => {
  const { alertsSchema } = await import('../../src/config/schema/alerts.js');
  const r = alertsSchema.safeParse({
    channels: [{ type: 'webhook', url: 'http://127.0.0.1/a' }, { type: 'webhook', url: 'http://127.0.0.1/b' }, { type: 'exec', name: 'webhook-1', command: ['x'] }],
    on: { crash: ['webhook-2', 'pager'] },
  });
  assert.equal(r.success, false);
  const messages = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  assert.deepEqual(messages, [
    'channels.2.name: duplicate channel name "webhook-1"',
    'on.crash.1: no alert channel named "pager" (channels: webhook-1, webhook-2)',
  ]);
});
