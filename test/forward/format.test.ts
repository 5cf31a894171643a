import { test } from 'node:test';
import assert from 'node:assert/strict';
import { truncateUtf8 } from '../../src/forward/format/utf8.js';
import { Rfc5424Formatter } from '../../src/forward/format/rfc5424.js';
import { Rfc3164Formatter } from '../../src/forward/format/rfc3164.js';
import { JsonFormatter } from '../../src/forward/format/json.js';
import { headerField } from '../../src/forward/format/escape.js';
import { resolveEndpoint } from '../../src/forward/settings.js';
import { forwardSchema } from '../../src/config/schema/forward.js';
import { securityEvent } from './scenario.js';

const opts = { facility: 16, hostname: 'web 01_x', maxMessageSize: 600, bom: false };

test('UTF-8 truncation never splits a character', () => {
  const s = 'aé😀'.repeat(100);
  for (let n = 0; n < 40; n++) {
    const cut = truncateUtf8(s, n);
    assert.ok(Buffer.byteLength(cut) <= n);
    assert.ok(s.startsWith(cut), `prefix at ${n}`);
    assert.ok(!cut.includes('\uFFFD'));
  }
});

test('header fields are PRINTUSASCII within RFC 5424 lengths', () => {
  assert.equal(headerField('a b\u00e9c', 48), 'a_b_c');
  assert.equal(headerField('x'.repeat(60), 48).length, 48);
  assert.equal(headerField('', 48), '-');
  const msg = new Rfc5424Formatter(opts).line({ app: 'ä'.repeat(60), source: 'stdout', line: 'hi', readAt: 0 }, 'id1');
  assert.equal(msg, `<134>1 1970-01-01T00:00:00.000Z web-01-x ${'_'.repeat(48)} - line [bulwark@32473 source="stdout" id="id1"] hi`);
});

test('over maxMessageSize MSG is cut on a character boundary and header + SD stay whole', () => {
  const e = { ...securityEvent('big'), line: '€'.repeat(1000) };
  const msg = new Rfc5424Formatter(opts).event(e);
  assert.ok(Buffer.byteLength(msg) <= 600);
  assert.match(msg, /\[bulwark@32473 kind="brute-force" .* id="big"\] €+$/);
  const bsd = new Rfc3164Formatter(opts).event(e);
  assert.ok(Buffer.byteLength(bsd) <= 600 && bsd.startsWith('<132>'));
  const json = new JsonFormatter(opts).event(e);
  assert.ok(Buffer.byteLength(json) <= 600);
  assert.equal((JSON.parse(json) as { id: string }).id, 'big');
});

test('no format lets a line carry a raw CR, LF or NUL', () => {
  const l = { app: 'a', source: 'stdout', line: 'x\r\ny\0z', readAt: 0 };
  for (const f of [new Rfc5424Formatter(opts), new Rfc3164Formatter(opts), new JsonFormatter(opts)]) {
    assert.doesNotMatch(f.line(l, 'i'), /[\r\n\0]/);
    assert.doesNotMatch(f.event({ ...securityEvent('i'), line: l.line, user: 'u\n' }), /[\r\n\0]/);
  }
});

test('presets fill what the config leaves unset; explicit keys win', () => {
  const pt = resolveEndpoint(forwardSchema.parse({ name: 'p', preset: 'papertrail', host: 'logs.example.com', port: 1 }));
  assert.deepEqual([pt.protocol, pt.framing, pt.format, pt.maxMessageSize], ['tls', 'newline', 'rfc5424', 100_000]);
  const ls = resolveEndpoint(forwardSchema.parse({ name: 'l', preset: 'logstash', host: 'h', port: 1, protocol: 'relp' }));
  assert.deepEqual([ls.protocol, ls.format, ls.framing], ['relp', 'json', 'newline']);
  const udp = resolveEndpoint(forwardSchema.parse({ name: 'u', host: 'h', port: 1, protocol: 'udp', facility: 'auth' }));
  assert.deepEqual([udp.maxMessageSize, udp.facility, udp.framing], [2048, 4, 'octet-counting']);
});
