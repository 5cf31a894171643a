// The one line splitter (capture, tail, scan): bytes in, lines out, one max length, one marker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, TRUNCATION_MARKER, lineText } from '../../src/common/line-splitter.js';

function feed(s: LineSplitter, ...chunks: (string | Buffer)[]): string[] {
  const out: string[] = [];
  for (const c of chunks) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    s.push(b, b.length, (buf, start, end, cut) => out.push(lineText(buf, start, end, cut)));
  }
  return out;
}

test('a partial last line is held until its newline, also across chunks, and counted as pending', () => {
  const s = new LineSplitter();
  assert.deepEqual(feed(s, 'a\nb', 'c'), ['a']);
  assert.equal(s.pendingBytes, 2);
  assert.deepEqual(feed(s, 'd\n'), ['bcd']);
  assert.equal(s.pendingBytes, 0);
});

test('CRLF is stripped as text, also when CR and LF arrive in different chunks; empty lines are kept', () => {
  const s = new LineSplitter();
  assert.deepEqual(feed(s, 'x\r\n\r\ny\r', '\nz\n'), ['x', '', 'y', 'z']);
});

test('the byte ranges keep the CR (capture writes what the app wrote)', () => {
  const s = new LineSplitter();
  const ranges: string[] = [];
  const b = Buffer.from('a\r\nb\n');
  s.push(b, b.length, (buf, start, end) => ranges.push(buf.toString('latin1', start, end)));
  assert.deepEqual(ranges, ['a\r', 'b']);
});

test('a line over maxLine is cut to maxLine bytes with the marker, counted once, and its rest dropped', () => {
  const s = new LineSplitter(10);
  const out = feed(s, 'short\n', '0123456789ABC', 'DEF', 'GHI\nnext\n');
  assert.deepEqual(out, ['short', `0123456789${TRUNCATION_MARKER}`, 'next']);
  assert.equal(s.truncated, 1);
  assert.deepEqual(feed(s, `${'x'.repeat(30)}\n`), [`${'x'.repeat(10)}${TRUNCATION_MARKER}`]);
  assert.equal(s.truncated, 2);
});

test('a line of exactly maxLine bytes plus CRLF is not cut', () => {
  const s = new LineSplitter(10);
  assert.deepEqual(feed(s, '0123456789\r', '\n'), ['0123456789']);
  assert.equal(s.truncated, 0);
});

test('the cut never splits a UTF-8 character', () => {
  const s = new LineSplitter(10);
  // 9 ASCII bytes, then "é" (2 bytes) straddling the limit: the cut keeps the 9 and drops the é.
  const [line] = feed(s, `123456789é and more\n`);
  assert.equal(line, `123456789${TRUNCATION_MARKER}`);
  assert.ok(!line!.includes('\ufffd'));
});

test('invalid UTF-8 and NUL bytes come through as strings without throwing', () => {
  const s = new LineSplitter();
  const out = feed(s, Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0a]));
  assert.equal(out.length, 1);
  assert.ok(out[0]!.endsWith('\u0000A'));
});

test('flush hands on an unterminated last line', () => {
  const s = new LineSplitter();
  assert.deepEqual(feed(s, 'end'), []);
  const out: string[] = [];
  s.flush((buf, start, end, cut) => out.push(lineText(buf, start, end, cut)));
  assert.deepEqual(out, ['end']);
});
