// `bulwark scan` reads files in 1 MB chunks cut into lines by the shared splitter. A character split
// by a chunk boundary, and the ASCII chunk after it, must still decode exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLines } from '../../src/logs/scan.js';
import { MAX_LINE_BYTES, TRUNCATION_MARKER } from '../../src/common/line-splitter.js';

const CHUNK = 1 << 20;

async function linesOf(bytes: Buffer): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-scan-read-'));
  try {
    const file = join(dir, 'log');
    writeFileSync(file, bytes);
    const out: string[] = [];
    await readLines(file, (l) => { out.push(l); return undefined; });
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const [name, char] of [['a 2-byte', 'é'], ['a 3-byte', '€'], ['a 4-byte', '😀']] as const) {
  test(`${name} character split by the 1 MB chunk boundary, then an ASCII chunk, decodes exactly`, async () => {
    const width = Buffer.byteLength(char);
    for (let before = 1; before < width; before++) {
      // Filler lines, then a short line whose character starts `before` bytes ahead of the boundary.
      const filler = 'x'.repeat(999);
      const lines: string[] = [];
      let bytes = 0;
      while (bytes + 1000 < CHUNK - 100) { lines.push(filler); bytes += 1000; }
      const prefix = 'p'.repeat(CHUNK - before - bytes);
      lines.push(`${prefix}${char}tail`, 'ascii only', `end ${char}`);
      const got = await linesOf(Buffer.from(lines.join('\n') + '\n', 'utf8'));
      assert.equal(Buffer.byteLength(lines.slice(0, -3).join('\n') + '\n' + prefix), CHUNK - before);
      assert.deepEqual(got, lines);
    }
  });
}

test('invalid UTF-8 still becomes U+FFFD, in a chunk of its own or next to ASCII', async () => {
  const bytes = Buffer.concat([Buffer.from('ok\n'), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from('after\n')]);
  assert.deepEqual(await linesOf(bytes), ['ok', '\ufffd\ufffd', 'after']);
});

test('lines and characters across the 64 KB decoding pieces (long lines, no newline in a piece) come out exactly', async () => {
  // Deterministic mix: short and long lines, ASCII and multi-byte, some longer than a piece.
  const parts = ['a', 'é', '€', '😀', 'GET /x?q=1 HTTP/1.1', '{"msg":"ok"}'];
  const lines: string[] = [];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  let bytes = 0;
  while (bytes < 3 * CHUNK) {
    const n = next() % 10 === 0 ? 70_000 + (next() % 5000) : next() % 300;
    let line = '';
    const ascii = next() % 3 !== 0;
    while (line.length < n) line += ascii ? parts[next() % 2 === 0 ? 0 : 4]! : parts[next() % parts.length]!;
    lines.push(line);
    bytes += Buffer.byteLength(line) + 1;
  }
  // One line of 2-byte characters after an odd prefix: every piece boundary inside it splits a character.
  lines.push(`x${'é'.repeat(32_000)}`, `x${'é'.repeat(60_000)}`, `x${'é'.repeat(100_000)}`);
  // A line over MAX_LINE_BYTES is cut while reading (memory stays bounded) on a character boundary
  // and marked: what is kept is its start.
  const got = await linesOf(Buffer.from(lines.join('\n') + '\n', 'utf8'));
  assert.equal(got.length, lines.length);
  const size = (l: string): number => Buffer.byteLength(l);
  assert.ok(lines.some((l) => size(l) > MAX_LINE_BYTES) && lines.some((l) => size(l) > 60_000 && size(l) <= MAX_LINE_BYTES));
  lines.forEach((l, i) => {
    if (size(l) <= MAX_LINE_BYTES) assert.equal(got[i], l, `line ${i}`);
    else {
      const kept = got[i]!;
      assert.ok(kept.endsWith(TRUNCATION_MARKER) && l.startsWith(kept.slice(0, -TRUNCATION_MARKER.length)), `line ${i}`);
      assert.ok(size(kept) - size(TRUNCATION_MARKER) > MAX_LINE_BYTES - 4, `line ${i} keeps its first 64 KB`);
    }
  });
});
