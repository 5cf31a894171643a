import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, TRUNCATION_MARKER } from '../../../src/logs/tail/line-splitter.js';

function feed(s: LineSplitter, ...chunks: string[]): string[] {
  const out: string[] = [];
  for (const c of chunks) { const b = Buffer.from(c); s.push(b, b.length, out); }
  return out;
}

test('a partial last line is held until its newline, also across chunks, and counted as pending', () => {
  const s = new LineSplitter();
  assert.deepEqual(feed(s, 'a\nb', 'c'), ['a']);
  assert.equal(s.pendingBytes, 2);
  assert.deepEqual(feed(s, 'd\n'), ['bcd']);
  assert.equal(s.pendingBytes, 0);
});

test('CRLF is stripped, also when CR and LF arrive in different chunks; empty lines are kept', () => {
  const s = new LineSplitter();
  assert.deepEqual(feed(s, 'x\r\n\r\ny\r', '\nz\n'), ['x', '', 'y', 'z']);
});

test('a line over maxLine is cut to maxLine bytes with the marker, counted once, and its rest dropped', () => {
  const s = new LineSplitter(10);
  const out = feed(s, 'short\n', '0123456789ABC', 'DEF', 'GHI\nnext\n');
  assert.deepEqual(out, ['short', `0123456789${TRUNCATION_MARKER}`, 'next']);
  assert.equal(s.truncated, 1);
  assert.deepEqual(feed(s, `${'x'.repeat(30)}\n`), [`${'x'.repeat(10)}${TRUNCATION_MARKER}`]);
  assert.equal(s.truncated, 2);
});

test('invalid UTF-8 and NUL bytes come through as strings without throwing', () => {
  const s = new LineSplitter();
  const out: string[] = [];
  const b = Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0a]);
  s.push(b, b.length, out);
  assert.equal(out.length, 1);
  assert.ok(out[0]!.endsWith('\u0000A'));
});

test('flush hands on an unterminated last line', () => {
  const s = new LineSplitter();
  assert.deepEqual(feed(s, 'end'), []);
  const out: string[] = [];
  s.flush(out);
  assert.deepEqual(out, ['end']);
});
