import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWebhook } from './helpers/receivers.js';
import { lifecycle, security, startManager } from './helpers/fixtures.js';
import { waitFor } from '../helpers/wait-for.js';

test('a crash event reaches the webhook within 1 s as a Slack-compatible body carrying the whole alert', async (t) => {
  const hook = await startWebhook();
  t.after(() => hook.close());
  const { manager, events } = await startManager(t, { channels: [{ type: 'webhook', url: hook.url }] });
  const sentAt = Date.now();
  manager.accept(lifecycle('api', 'crash', { reason: 'exited with code 1', code: 1, signal: null, pid: 4242 }));
  await waitFor('the crash alert', () => hook.hits.length === 1, 5_000);
  const latency = hook.hits[0]!.at - sentAt;
  t.diagnostic(`crash -> webhook: ${latency} ms`);
  assert.ok(latency < 1000, `arrived after ${latency} ms`);
  const { body, headers } = hook.hits[0]!;
  assert.equal(typeof body.text, 'string');
  assert.match(body.text, /testhost\/api crash: exited with code 1/);
  assert.equal(body.bulwark.kind, 'crash');
  assert.equal(body.bulwark.app, 'api');
  assert.equal(body.bulwark.host, 'testhost');
  assert.equal(body.bulwark.code, 1);
  assert.equal(headers['idempotency-key'], body.bulwark.id);
  await waitFor('alert.sent', () => events.some((e) => e.kind === 'alert.sent'));
  const sent = events.find((e) => e.kind === 'alert.sent')!;
  assert.deepEqual([sent.channel, sent.alertId, sent.alertKind, sent.app, sent.attempt], ['webhook', body.bulwark.id, 'crash', 'api', 1]);
});

test('a hang alert names the probe that failed', async (t) => {
  const hook = await startWebhook();
  t.after(() => hook.close());
  const { manager } = await startManager(t, { channels: [{ type: 'webhook', url: hook.url }] });
  manager.accept(lifecycle('worker', 'hang', { probe: 'heartbeat', reason: 'no heartbeat for 10s' }));
  await waitFor('the hang alert', () => hook.hits.length === 1);
  const { body } = hook.hits[0]!;
  assert.equal(body.bulwark.kind, 'hang');
  assert.equal(body.bulwark.probe, 'heartbeat');
  assert.match(body.text, /heartbeat/);
  assert.match(body.bulwark.reason, /heartbeat/);
});

test('a security alert carries kind, ip, user, rule, app and the offending line, escaped', async (t) => {
  const hook = await startWebhook();
  t.after(() => hook.close());
  const { manager } = await startManager(t, { channels: [{ type: 'webhook', url: hook.url }] });
  const line = 'GET /?q=<script>alert(1)</script> <!channel>\nFORGED second line\u0007';
  manager.accept(security({ kind: 'xss', rule: 'xss-script-tag', line, ip: '198.51.100.9', user: 'eve', app: 'shop' }));
  await waitFor('the security alert', () => hook.hits.length === 1);
  const a = hook.hits[0]!.body.bulwark;
  assert.deepEqual([a.kind, a.securityKind, a.ip, a.user, a.rule, a.app], ['security', 'xss', '198.51.100.9', 'eve', 'xss-script-tag', 'shop']);
  assert.equal(a.line, 'GET /?q=<script>alert(1)</script> <!channel>\\nFORGED second line\\x07');
  const text = hook.hits[0]!.body.text;
  assert.ok(!text.includes('<!channel>'), 'mentions are neutralised in the Slack text');
  assert.ok(text.includes('&lt;!channel&gt;'));
  assert.ok(!/\nFORGED/.test(text), 'the line cannot start a new line of the message');
});

test('below minSeverity and kinds not in `on` do not alert; `on` as a map routes kinds to named channels', async (t) => {
  const crashes = await startWebhook();
  const attacks = await startWebhook();
  t.after(() => crashes.close());
  t.after(() => attacks.close());
  const { manager } = await startManager(t, {
    channels: [{ type: 'webhook', name: 'ops', url: crashes.url }, { type: 'webhook', name: 'sec', url: attacks.url }],
    on: { crash: ['ops'], security: ['sec'] },
    minSeverity: 'high',
  });
  manager.accept(security({ severity: 'medium', ip: '192.0.2.1' }));
  manager.accept(lifecycle('api', 'hang', { probe: 'http' }));
  manager.accept(lifecycle('api', 'crash'));
  manager.accept(security({ severity: 'critical', ip: '192.0.2.2' }));
  await waitFor('one alert on each channel', () => crashes.hits.length === 1 && attacks.hits.length === 1);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(crashes.hits.map((h) => h.body.bulwark.kind), ['crash']);
  assert.deepEqual(attacks.hits.map((h) => h.body.bulwark.ip), ['192.0.2.2']);
});

test('alert test sends one test alert per channel and reports each result', async (t) => {
  const hook = await startWebhook();
  t.after(() => hook.close());
  const { manager, events } = await startManager(t, {
    channels: [{ type: 'webhook', name: 'good', url: hook.url }, { type: 'webhook', name: 'bad', url: 'http://127.0.0.1:9/x', timeout: '2s' }],
  });
  const results = await manager.test();
  assert.deepEqual(results.map((r) => [r.channel, r.ok]), [['good', true], ['bad', false]]);
  assert.match(results[1]!.error!, /webhook http:\/\/127\.0\.0\.1:9/);
  assert.equal(hook.hits[0]!.body.bulwark.kind, 'test');
  assert.deepEqual(events.map((e) => e.kind).sort(), ['alert.failed', 'alert.sent']);
  const unknown = await manager.test('nope');
  assert.deepEqual(unknown.map((r) => r.ok), [false]);
  assert.match(unknown[0]!.error!, /no alert channel named "nope"/);
});

test('a webhook error names the origin only, never the secret path', async (t) => {
  const hook = await startWebhook();
  t.after(() => hook.close());
  hook.down = true;
  const { manager } = await startManager(t, { channels: [{ type: 'webhook', url: hook.url }] });
  const [r] = await manager.test();
  assert.equal(r!.ok, false);
  assert.match(r!.error!, /answered 503/);
  assert.ok(!r!.error!.includes('secret-token'));
});
