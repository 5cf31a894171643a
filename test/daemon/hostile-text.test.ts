// Break 3 of issue 16: attacker text reaches people escaped, at every output. The app logs a line
// whose fields carry ESC sequences, BEL, CR, LF, a right-to-left override and markup; an `ip` with
// a newline is no IP at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BIN, TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { startSmtp, startWebhook } from '../alerts/helpers/receivers.js';
import { hasUnsafeText } from '../../src/common/escape.js';

const FIELDS = {
  category: 'malicious-traffic',
  msg: 'blocked <script>alert(1)</script> \x1b[31mred\x1b[0m \u202egnp.exe',
  ip: '203.0.113.7\nFAKE-LINE 2024-01-01T00:00:00Z security tagged',
  user: 'eve\r\x1b[2J\x07\u202eroot\nforged: line',
  url: '/a\x1b]0;pwned\x07',
};
// A JSON line (controls \u-escaped inside its strings, decoded by the parser) and a raw text line.
const APP = [
  `console.log(${JSON.stringify(JSON.stringify(FIELDS))});`,
  `console.log(${JSON.stringify('plain \x1b[2J\x1b]0;title\x07 \u202eevil\rover')});`,
  'setInterval(() => {}, 1000);',
].join('');

/** Every line of a command's output is free of control, bidi and invisible characters. */
function assertSafe(what: string, out: string): void {
  for (const line of out.split('\n')) assert.equal(hasUnsafeText(line), false, `${what}: ${JSON.stringify(line)}`);
}

/** The decoded text/plain and text/html parts of a raw MIME message. */
function mimeParts(raw: string): Map<string, string> {
  const parts = new Map<string, string>();
  const boundary = /boundary="?([^";\r\n]+)"?/.exec(raw)?.[1];
  for (const part of boundary ? raw.split(`--${boundary}`) : [raw]) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.slice(0, split);
    const type = /content-type:\s*(text\/(?:plain|html))/i.exec(head)?.[1]?.toLowerCase();
    if (!type) continue;
    const body = part.slice(split + 4);
    const encoding = /content-transfer-encoding:\s*(\S+)/i.exec(head)?.[1]?.toLowerCase();
    const bytes = encoding === 'base64' ? Buffer.from(body, 'base64')
      : encoding === 'quoted-printable' ? Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1')
        : Buffer.from(body, 'utf8');
    parts.set(type, bytes.toString('utf8').replace(/\r\n/g, '\n')); // MIME lines end in CRLF
  }
  return parts;
}

test('hostile fields are escaped in events, events -f, offenders, logs, webhook text and email; an ip with a newline is null', async (t) => {
  const h = new TestHome();
  const hook = await startWebhook();
  const smtp = await startSmtp();
  t.after(async () => { h.cleanup(); await hook.close(); await smtp.close(); });
  const cfg = h.write('hostile.yml', [
    'apps:',
    '  - name: victim',
    `    cmd: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(APP)}]`,
    'alerts:',
    '  channels:',
    `    - { type: webhook, url: ${JSON.stringify(hook.url)} }`,
    `    - { type: email, smtp: "smtp://127.0.0.1:${smtp.port}", to: ops@example.com }`,
    '  on: [security]',
    '',
  ].join('\n'));
  const started = await h.run(['start', cfg]);
  assert.equal(started.code, 0, started.stderr);

  const json = await waitFor('the detection', async () => {
    const r = await h.run(['events', '--type', 'security', '--json']);
    return r.stdout.trim() ? r.stdout : null;
  }, 20_000);
  assertSafe('events --json', json);
  const event = JSON.parse(json.trim().split('\n')[0]!) as { ip: string | null; user: string; line: string };
  assert.equal(event.ip, null, 'an ip field holding a newline is no address');
  assert.equal(event.user, FIELDS.user, '--json is lossless');

  const text = await h.run(['events', '--type', 'security']);
  assertSafe('events', text.stdout);
  assert.equal(text.stdout.trim().split('\n').length, 1, 'one event, one line');
  assert.match(text.stdout, /ip=- user=eve\\r\\x1b\[2J\\x07\\u202eroot\\nforged: line/);

  const follower = spawn(process.execPath, [BIN, 'events', '-f', '--type', 'security'], { env: h.env(), stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => follower.kill('SIGKILL'));
  let followed = '';
  follower.stdout.on('data', (d: Buffer) => { followed += d.toString('utf8'); });
  await waitFor('events -f prints the event', () => followed.includes('user=eve'));
  assertSafe('events -f', followed);

  for (const args of [['offenders'], ['offenders', '--json'], ['logs', 'victim'], ['logs', 'victim', '--raw']]) {
    const r = await h.run(args);
    assert.equal(r.code, 0, r.stderr);
    assertSafe(args.join(' '), r.stdout);
  }
  const logs = await h.run(['logs', 'victim', '--out']);
  assert.match(logs.stdout, /plain \\x1b\[2J\\x1b\]0;title\\x07 \\u202eevil\\rover/);

  const hit = await waitFor('the webhook alert', () => hook.hits[0], 20_000);
  assertSafe('webhook text', hit.body.text);
  assert.equal(hit.body.bulwark.ip, null);
  assert.ok(!hit.body.text.includes('<script>'), 'markup is inert in chat text');
  assert.ok(!/^(FAKE|forged)/m.test(hit.body.text), 'no forged line');

  const mail = await waitFor('the email alert', () => smtp.messages[0], 20_000);
  const parts = mimeParts(mail.raw);
  const plain = parts.get('text/plain');
  const html = parts.get('text/html');
  assert.ok(plain && html, `both parts present: ${[...parts.keys()].join(', ')}`);
  assertSafe('email text', plain);
  assertSafe('email html', html);
  assert.ok(!/^(FAKE|forged)/m.test(plain), 'no forged line in the email');
  assert.ok(!html.includes('<script>'), 'no markup from the log line in the HTML');
  assert.match(html, /&lt;script&gt;/);
});
