// Property: however the bytes are cut into chunks, the splitter hands on the same lines as
// cutting the whole input at its newlines, each at most maxLine bytes (plus the marker when cut).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineSplitter, TRUNCATION_MARKER, lineText } from '../../src/common/line-splitter.js';

const MAX = 24;

/** The reference: split the whole input, then cut long lines the way the splitter documents. */
function reference(input: Buffer): string[] {
  const out: string[] = [];
  let start = 0;
  for (let nl = input.indexOf(10); nl !== -1; nl = input.indexOf(10, start)) {
    const s = new LineSplitter(MAX);
    s.push(input.subarray(start, nl + 1), nl + 1 - start, (b, a, e, cut) => out.push(lineText(b, a, e, cut)));
    start = nl + 1;
  }
  return out;
}

const bytes = fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a.map((x) => (x % 7 === 0 ? 10 : x % 11 === 0 ? 13 : x))));

test('splitting is independent of how the input is chunked', () => {
  fc.assert(fc.property(bytes, fc.array(fc.nat({ max: 400 }), { maxLength: 20 }), (input, cuts) => {
    const points = [...new Set(cuts.map((c) => Math.min(c, input.length)))].sort((a, b) => a - b);
    const s = new LineSplitter(MAX);
    const got: string[] = [];
    let from = 0;
    for (const p of [...points, input.length]) {
      const chunk = Buffer.from(input.subarray(from, p)); // a copy: the splitter must not keep the caller's buffer
      s.push(chunk, chunk.length, (b, a, e, cut) => got.push(lineText(b, a, e, cut)));
      chunk.fill(0); // the caller reuses its read buffer
      from = p;
    }
    assert.deepEqual(got, reference(input));
    for (const line of got) {
      const body = line.endsWith(TRUNCATION_MARKER) ? line.slice(0, -TRUNCATION_MARKER.length) : line;
      assert.ok(Buffer.byteLength(body) <= MAX + 3, `line of ${Buffer.byteLength(body)} bytes`); // + a replacement char's extra bytes
    }
  }), { numRuns: 500 });
});

test('with maxLines, a reader that offers the untaken rest again gets the same lines, at most maxLines per push', () => {
  fc.assert(fc.property(bytes, fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 5 }), (input, readSize, maxLines) => {
    const s = new LineSplitter(MAX);
    const got: string[] = [];
    for (let pos = 0; pos < input.length;) {
      const chunk = Buffer.from(input.subarray(pos, pos + readSize)); // a file read at pos
      const before = got.length;
      const took = s.push(chunk, chunk.length, (b, a, e, cut) => got.push(lineText(b, a, e, cut)), maxLines);
      assert.ok(got.length - before <= maxLines, `${got.length - before} lines in one push`);
      assert.ok(took > 0 && took <= chunk.length);
      if (took < chunk.length) assert.equal(s.pendingBytes, 0, 'stopped at a line boundary: nothing held');
      chunk.fill(0);
      pos += took; // the next read starts where the splitter stopped
    }
    assert.deepEqual(got, reference(input));
  }), { numRuns: 500 });
});
