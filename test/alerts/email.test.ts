import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmtp } from './helpers/receivers.js';
import { lifecycle, startManager } from './helpers/fixtures.js';
import { waitFor } from '../helpers/wait-for.js';
import { alertsSchema } from '../../src/config/schema/alerts.js';
import { parseConfigText } from '../../src/config/load.js';
import { redactSmtpUrl } from '../../src/alerts/channels/email.js';

test('an email alert arrives at the SMTP relay with the alert text and a short HTML part', async (t) => {
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const { manager, events } = await startManager(t, {
    channels: [{ type: 'email', smtp: `smtp://127.0.0.1:${smtp.port}`, to: ['ops@example.test', 'oncall@example.test'] }],
  });
  manager.accept(lifecycle('api', 'hang', { probe: 'http', reason: 'GET /health failed 3 times' }));
  await waitFor('one email', () => smtp.messages.length === 1, 15_000);
  const m = smtp.messages[0]!;
  assert.deepEqual(m.to, ['ops@example.test', 'oncall@example.test']);
  assert.equal(m.from, 'bulwark@testhost');
  assert.match(m.raw, /Subject: \[bulwark\] testhost\/api hang: http: GET \/health failed 3 times/);
  assert.match(m.raw, /probe: http/);
  assert.match(m.raw, /Content-Type: text\/html/);
  assert.match(m.raw, /X-Bulwark-Alert-Id: \w+/i);
  await waitFor('alert.sent', () => events.some((e) => e.kind === 'alert.sent'));
});

test('SMTP credentials come from ${ENV} in the URL, authenticate, and never appear in errors or events', async (t) => {
  const password = 'pa55:w/rd@sekret';
  const smtp = await startSmtp(password);
  t.after(() => smtp.close());
  const env = { SMTP_PASS: encodeURIComponent(password), BAD_PASS: 'wrong-but-secret-value' };
  const yaml = (v: string) => `alerts:\n  channels:\n    - { type: email, smtp: "smtp://alerts:\${${v}}@127.0.0.1:${smtp.port}", to: ops@example.test }\n`;
  // The loader expands ${ENV}; the manager gets the channel as written after expansion.
  const channel = (v: string) => ({ channels: [{ ...parseConfigText(yaml(v), 'bulwark.yml', env).alerts.channels[0]!, timeout: '10s' }] });
  const { manager } = await startManager(t, channel('SMTP_PASS'));
  const [ok] = await manager.test();
  assert.equal(ok!.ok, true, ok!.error);
  assert.equal(smtp.messages[0]!.user, 'alerts');

  const { manager: badManager, events } = await startManager(t, channel('BAD_PASS'));
  const [failed] = await badManager.test();
  assert.equal(failed!.ok, false);
  assert.ok(!JSON.stringify([failed, events]).includes('wrong-but-secret-value'));
  assert.equal(redactSmtpUrl(`smtps://alerts:${env.BAD_PASS}@smtp.example.test:465`), 'smtps://alerts:***@smtp.example.test:465');
  assert.ok(alertsSchema.safeParse({ channels: [{ type: 'email', smtp: 'http://x', to: 'a@b' }] }).success === false);
});
