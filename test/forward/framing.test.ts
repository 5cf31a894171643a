import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineEnds, octetCounted, relpSyslogFrames } from '../../src/forward/framing.js';

// Lengths around digit boundaries, multi-byte characters (length in bytes, not characters), empty.
const MESSAGES = ['a', '', 'x'.repeat(9), 'y'.repeat(10), 'z'.repeat(99), 'w'.repeat(100), 'é€😀 ]"\\', 'q'.repeat(12_345)];
const data = Buffer.from(MESSAGES.map((m) => `${m}\n`).join(''), 'utf8');

test('octet counting prefixes each message with its length in bytes', () => {
  const want = Buffer.from(MESSAGES.map((m) => `${Buffer.byteLength(m)} ${m}`).join(''), 'utf8');
  assert.deepEqual(octetCounted(data, lineEnds(data)), want);
});

test('RELP syslog frames carry txnr, command, byte length and a trailing LF', () => {
  const txnrs = MESSAGES.map((_, i) => i * 7 + 1);
  const want = Buffer.from(MESSAGES.map((m, i) => `${txnrs[i]} syslog ${Buffer.byteLength(m)} ${m}\n`).join(''), 'utf8');
  assert.deepEqual(relpSyslogFrames(data, lineEnds(data), txnrs), want);
});
