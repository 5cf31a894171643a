// What attackers stack to hide a payload, undone: double and mixed percent-encoding, %u, overlong
// UTF-8, HTML entities, JavaScript escapes, fullwidth forms; `+` is a space only where asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeValue } from '../../../src/logs/detect/decode.js';

const CASES: [string, boolean, string][] = [
  ['%252e%252e%252f', false, '../'],
  ['%25252e%25252e%25252f', false, '../'], // triple
  ['%2e%2E/%2E.', false, '../..'], // mixed case and mixed encoded/plain
  ['%c0%ae%c0%ae%c0%af', false, '../'], // overlong UTF-8
  ['%e0%80%af', false, '/'],
  ['%c1%9c', false, '\\'],
  ['%uff1cscript%uff1e', false, '<script>'], // %u and fullwidth
  ['&#60;script&#x3e;', false, '<script>'],
  ['&lt;img src=x onerror=alert(1)&gt;', false, '<img src=x onerror=alert(1)>'],
  ['ja&Tab;vascript&colon;', false, 'ja\tvascript:'],
  ['\\u003cscript\\x3e', false, '<script>'],
  ['%26%2360%3Bscript', false, '<script'], // percent, then entity
  ['a+b%2Bc', true, 'a b+c'],
  ['a+b', false, 'a+b'],
  ["O%27Brien", true, "O'Brien"],
  ['C%2B%2B', true, 'C++'],
  ['100%', true, '100%'], // a lone % is kept
  ['%zz%4', true, '%zz%4'],
  ['caf%C3%A9', true, 'café'],
  ['%ff%fe', false, '\u00ff\u00fe'], // invalid UTF-8 bytes stay visible as Latin-1
];

for (const [raw, plus, want] of CASES) {
  test(`decodeValue(${JSON.stringify(raw)}${plus ? ', +' : ''}) is ${JSON.stringify(want)}`, () => {
    assert.equal(decodeValue(raw, plus), want);
  });
}
