import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeChat, escapeHtml, escapeText, hasUnsafeText, stringifySafe } from '../../src/common/escape.js';
import { boundedField, validIp } from '../../src/events/fields.js';

// Every character class a hostile log line uses against a reader.
const HOSTILE = [
  '\x1b[2J', // clear screen
  '\x1b]0;pwned\x07', // window title + BEL
  'a\rb', // carriage return: overwrite the start of the line
  'x\ny', // a forged second line
  '\u009b31m', // 8-bit CSI
  'abc\u202edcba', // right-to-left override
  'p\u2066q\u2069', // bidi isolates
  'l\u2028m', // line separator
  'z\u200bw', // zero-width space
  'bom\ufeff',
  'del\x7f',
];

test('escapeText leaves no control, separator, bidi or invisible character, and shows each visibly', () => {
  for (const s of HOSTILE) {
    const out = escapeText(s);
    assert.equal(hasUnsafeText(out), false, JSON.stringify(out));
    assert.ok(out.includes('\\'), `${JSON.stringify(s)} shows an escape`);
  }
  assert.equal(escapeText('a\nb\r\tc\x1b\x07'), 'a\\nb\\r\\tc\\x1b\\x07');
  assert.equal(escapeText('evil\u202eexe.txt'), 'evil\\u202eexe.txt');
  assert.equal(escapeText('\u009b'), '\\x9b');
});

test('escapeText keeps ordinary text, including non-Latin scripts and emoji, and does not allocate for it', () => {
  const plain = 'GET /login 401 user=josé 名前 ☃ 🙂 "quoted" <tag> & \\n literal';
  assert.equal(escapeText(plain), plain);
  assert.equal(escapeText(plain), plain); // same string back (fast path)
});

test('escapeText cuts long text before escaping and says how long it was', () => {
  const out = escapeText('x'.repeat(5000), 100);
  assert.equal(out, `${'x'.repeat(100)}… (5000 chars)`);
});

test('escapeHtml and escapeChat also neutralise markup; escaping twice changes nothing more', () => {
  assert.equal(escapeHtml('<img src=x onerror="a()">\'&\n'), '&lt;img src=x onerror=&quot;a()&quot;&gt;&#39;&amp;\\n');
  assert.equal(escapeChat('<!channel> <http://x|y> & *b*'), '&lt;!channel&gt; &lt;http://x|y&gt; &amp; *b*');
  for (const s of HOSTILE) assert.equal(escapeText(escapeText(s)), escapeText(s));
});

test('stringifySafe is lossless JSON with no raw C1, DEL, bidi or separator character', () => {
  const value = { line: HOSTILE.join('|'), n: 1, nested: [{ u: 'e\u202ev' }] };
  const json = stringifySafe(value);
  assert.equal(hasUnsafeText(json), false);
  assert.deepEqual(JSON.parse(json), value);
  assert.equal(stringifySafe(undefined), 'null');
});

test('an ip field is a valid address or nothing; identity fields are bounded', () => {
  assert.equal(validIp('203.0.113.7'), '203.0.113.7');
  assert.equal(validIp('2001:db8::1'), '2001:db8::1');
  for (const bad of ['203.0.113.7\nFAKE', '1.2.3', 'x'.repeat(40), '999.1.1.1', '', null, 7, '2001:db8::1\u202e']) {
    assert.equal(validIp(bad), null, JSON.stringify(bad));
  }
  assert.equal(boundedField('bob'), 'bob');
  assert.equal(boundedField(null), null);
  const long = boundedField('u'.repeat(60_000))!;
  assert.equal(long.length, 257);
  assert.ok(long.endsWith('…'));
  // Never half of a surrogate pair.
  const emoji = boundedField(`${'a'.repeat(255)}🙂🙂`)!;
  assert.equal(emoji, `${'a'.repeat(255)}…`);
});
