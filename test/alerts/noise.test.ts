import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWebhook } from './helpers/receivers.js';
import { forwardEvent, lifecycle, security, startManager } from './helpers/fixtures.js';
import { waitFor } from '../helpers/wait-for.js';

test('100 identical detections within the dedupe window give 1 alert and 1 summary counting 99', async (t) => {
  const hook = await startWebhook();
  t.after(() => hook.close());
  const { manager } = await startManager(t, { channels: [{ type: 'webhook', url: hook.url }], dedupe: '1500ms' });
  for (let i = 0; i < 100; i++) manager.accept(security({ ip: '203.0.113.50' }));
  // A different offender is a different key: it alerts on its own.
  manager.accept(security({ ip: '203.0.113.51' }));
  await waitFor('two alerts and one summary', () => hook.hits.length === 3, 15_000);
  const [first, other, summary] = hook.hits.map((h) => h.body.bulwark);
  assert.equal(first!.ip, '203.0.113.50');
  assert.equal(first!.heldBack, undefined);
  assert.equal(other!.ip, '203.0.113.51');
  assert.equal(summary!.ip, '203.0.113.50');
  assert.equal(summary!.heldBack, 99);
  assert.match(summary!.reason, /^99 more held back by dedupe/);
  assert.notEqual(summary!.id, first!.id);
  // The window ends with nothing held: no more summaries, and the key is forgotten (next one alerts again).
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(hook.hits.length, 3);
  manager.accept(security({ ip: '203.0.113.50' }));
  await waitFor('a fresh alert after the window', () => hook.hits.length === 4);
  assert.equal(hook.hits[3]!.body.bulwark.heldBack, undefined);
});

test('a flapping app gives one alert per episode and one more when it recovers', async (t) => {
  const hook = await startWebhook();
  t.after(() => hook.close());
  const { manager } = await startManager(t, { channels: [{ type: 'webhook', url: hook.url }] });
  for (let i = 0; i < 6; i++) manager.accept(lifecycle('api', 'crash', { reason: `exited with code ${i + 1}` }));
  manager.accept(lifecycle('api', 'hang', { probe: 'tcp' }));
  manager.accept(lifecycle('api', 'recovered', { reason: 'up for 5s' }));
  await waitFor('episode alert and recovery alert', () => hook.hits.length === 2);
  const [opened, recovered] = hook.hits.map((h) => h.body.bulwark);
  assert.equal(opened!.kind, 'crash');
  assert.equal(recovered!.kind, 'recovered');
  assert.equal(recovered!.app, 'api');
  assert.equal(recovered!.heldBack, 6);
  assert.match(recovered!.reason, /recovered after 7 failures \(crash×6, hang×1\)/);
  // The next failure is a new episode.
  manager.accept(lifecycle('api', 'crash'));
  await waitFor('a new episode', () => hook.hits.length === 3);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(hook.hits.length, 3);
});

test('errored ends the episode with an alert that counts the failures', async (t) => {
  const hook = await startWebhook();
  t.after(() => hook.close());
  const { manager } = await startManager(t, { channels: [{ type: 'webhook', url: hook.url }] });
  for (let i = 0; i < 4; i++) manager.accept(lifecycle('api', 'crash'));
  manager.accept(lifecycle('api', 'errored', { reason: '10 restarts within 60s' }));
  await waitFor('crash + errored', () => hook.hits.length === 2);
  const errored = hook.hits[1]!.body.bulwark;
  assert.equal(errored.kind, 'errored');
  assert.match(errored.reason, /10 restarts within 60s \(after 4 failures: crash×4\)/);
});

test('the per-channel rate limit defers deliveries instead of dropping them', async (t) => {
  const hook = await startWebhook();
  t.after(() => hook.close());
  const { manager } = await startManager(t, { channels: [{ type: 'webhook', url: hook.url }], rateLimit: { max: 2, per: '1s' } });
  const start = Date.now();
  for (let i = 0; i < 5; i++) manager.accept(lifecycle(`app${i}`, 'crash'));
  await waitFor('all five alerts', () => hook.hits.length === 5, 15_000);
  const inFirstSecond = hook.hits.filter((h) => h.at - start < 900).length;
  assert.ok(inFirstSecond <= 2, `${inFirstSecond} in the first second`);
  assert.deepEqual(hook.hits.map((h) => h.body.bulwark.app).sort(), ['app0', 'app1', 'app2', 'app3', 'app4']);
  // Any 1 s window holds at most 2 (limited at send time; receive times jitter on a loaded machine, hence 600).
  for (let i = 2; i < hook.hits.length; i++) assert.ok(hook.hits[i]!.at - hook.hits[i - 2]!.at >= 600, `hits ${i - 2}..${i} within 1 s`);
});

test('forward-down alerts only after forwardDownAfter, and its recovery is announced', async (t) => {
  const hook = await startWebhook();
  t.after(() => hook.close());
  const { manager } = await startManager(t, {
    channels: [{ type: 'webhook', url: hook.url }], on: ['forward-down'], forwardDownAfter: '600ms',
  });
  manager.accept(forwardEvent('forward.down', 'blip'));
  manager.accept(forwardEvent('forward.up', 'blip'));
  manager.accept(forwardEvent('forward.down', 'papertrail'));
  await waitFor('forward-down alert', () => hook.hits.length === 1);
  assert.deepEqual([hook.hits[0]!.body.bulwark.kind, hook.hits[0]!.body.bulwark.endpoint], ['forward-down', 'papertrail']);
  manager.accept(forwardEvent('forward.up', 'papertrail'));
  await waitFor('recovered alert', () => hook.hits.length === 2);
  assert.deepEqual([hook.hits[1]!.body.bulwark.kind, hook.hits[1]!.body.bulwark.endpoint], ['recovered', 'papertrail']);
});

test('a channel that never comes back is retried with growing delays, then the alert expires', async (t) => {
  const hook = await startWebhook();
  t.after(() => hook.close());
  hook.down = true;
  const { manager, events } = await startManager(t, {
    channels: [{ type: 'webhook', url: hook.url }], retry: { initial: '100ms', max: '400ms', factor: 2 }, expire: '2s',
  });
  manager.accept(lifecycle('api', 'crash'));
  await waitFor('alert.expired', () => events.some((e) => e.kind === 'alert.expired'), 10_000);
  const failed = events.filter((e) => e.kind === 'alert.failed');
  assert.ok(failed.length >= 4 && failed.length <= 12, `${failed.length} attempts`);
  assert.deepEqual(failed.map((e) => e.attempt), failed.map((_, i) => i + 1));
  assert.match(failed[0]!.error!, /answered 503/);
  assert.equal(hook.refused, failed.length);
  assert.deepEqual(manager.pendingCount(), { alerts: 0, deliveries: 0 });
});

test('within an episode a worse failure still alerts (health failing, then hung), and staying online ends it', async (t) => {
  const hook = await startWebhook();
  t.after(() => hook.close());
  const { manager } = await startManager(t, { channels: [{ type: 'webhook', url: hook.url }], recoverAfter: '800ms' });
  manager.accept(lifecycle('api', 'health', { probe: 'http', reason: 'http check failing (1 in a row)' }));
  manager.accept(lifecycle('api', 'health', { probe: 'http' }));
  manager.accept(lifecycle('api', 'hang', { probe: 'http', reason: 'http check failed 3 times' }));
  manager.accept(lifecycle('api', 'online', { reason: 'spawned' }));
  manager.accept(lifecycle('api', 'crash', { reason: 'exited with code 1' })); // fails again before it is stable
  const onlineAt = Date.now();
  manager.accept(lifecycle('api', 'online', { reason: 'spawned' }));
  await waitFor('health, hang and recovered', () => hook.hits.length === 3, 10_000);
  const kinds = hook.hits.map((h) => h.body.bulwark.kind);
  assert.deepEqual(kinds, ['health', 'hang', 'recovered']);
  assert.ok(hook.hits[2]!.at - onlineAt >= 700, 'recovered only after recoverAfter online');
  assert.match(hook.hits[2]!.body.bulwark.reason, /online for 1s; recovered after 4 failures \(health×2, hang×1, crash×1\)/);
});

test('a distributed attack alerts for the first 10 sources, then once for the crowd, then one summary', async (t) => {
  const hook = await startWebhook();
  t.after(() => hook.close());
  const { manager } = await startManager(t, { channels: [{ type: 'webhook', url: hook.url }], dedupe: '1500ms', rateLimit: { max: 100 } });
  for (let i = 0; i < 30; i++) manager.accept(security({ ip: `198.51.100.${i}` }));
  await waitFor('10 + crowd + summary', () => hook.hits.length === 12, 15_000);
  const alerts = hook.hits.map((h) => h.body.bulwark);
  assert.deepEqual(alerts.slice(0, 10).map((a) => a.ip), Array.from({ length: 10 }, (_, i) => `198.51.100.${i}`));
  assert.match(alerts[10]!.reason, /^sqli from more than 10 sources on api/);
  assert.equal(alerts[11]!.heldBack, 19);
});
