import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MAX_LINE_BYTES, TRUNCATION_MARKER } from '../../src/common/line-splitter.js';
import { OutputCapture } from '../../src/supervisor/output-capture.js';
import { RotatingLogFile } from '../../src/supervisor/rotating-log-file.js';
import { APPS, app, harness } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';

/** Every line of base.N ... base.1, base, oldest first. */
function readRotated(dir: string, base: string): string[] {
  const rotated = readdirSync(dir).filter((f) => f.startsWith(`${base}.`) && /\.\d+$/.test(f))
    .map((f) => Number(f.slice(base.length + 1))).sort((a, b) => b - a);
  const text = [...rotated.map((n) => `${base}.${n}`), base].map((f) => readFileSync(join(dir, f), 'utf8')).join('');
  assert.ok(text.endsWith('\n'));
  return text.slice(0, -1).split('\n');
}

test('rotation under a writer at 5,000 lines/s loses no line and splits none', async (t) => {
  const h = harness(t);
  const total = 10_000;
  h.sup.add(app({
    name: 'w', script: join(APPS, 'writer.mjs'), env: { LINES: String(total), RATE: '5000', PAD: '80' },
    logs: { rotate: { size: '64KB', keep: 100 } },
  }));
  const began = Date.now();
  await h.sup.start('w');
  const dir = join(h.home, 'logs');
  const captured = (): number => readdirSync(dir).filter((f) => f.startsWith('w.out.log'))
    .reduce((n, f) => n + readFileSync(join(dir, f), 'utf8').split('\n').length - 1, 0);
  await waitFor('all lines captured', () => captured() >= total, 30_000);
  t.diagnostic(`${total} lines in ${Date.now() - began} ms`);
  const files = readdirSync(dir).filter((f) => f.startsWith('w.out.log.'));
  assert.ok(files.length >= 10, `rotated ${files.length} times`);
  const pad = 'x'.repeat(80);
  const lines = readRotated(dir, 'w.out.log');
  assert.equal(lines.length, total);
  lines.forEach((l, i) => assert.equal(l, `${i} ${pad}`));
  for (const f of files) assert.ok(readFileSync(join(dir, f)).length < 64 * 1024 + 70 * 1024, 'size stays near the limit');
});

test('lines are reassembled across chunks, a huge line is cut with the shared marker, CRLF is kept as written, the tail is flushed at end', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-cap-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = new RotatingLogFile(join(dir, 'a.out.log'), { size: 1 << 30, keep: 1 });
  const cap = new OutputCapture(file);
  cap.push(Buffer.from('hel'));
  cap.push(Buffer.from('lo\r\nwor'));
  cap.push(Buffer.from('ld\n'));
  const big = Buffer.alloc(MAX_LINE_BYTES + 1000, 0x61);
  cap.push(big.subarray(0, 40_000));
  cap.push(big.subarray(40_000));
  cap.push(Buffer.from('\nlast'));
  cap.end();
  file.close();
  assert.equal(cap.truncated, 1);
  const text = readFileSync(join(dir, 'a.out.log'), 'utf8').split('\n');
  assert.equal(text[0], 'hello\r');
  assert.equal(text[1], 'world');
  assert.equal(text[2], `${'a'.repeat(MAX_LINE_BYTES)}${TRUNCATION_MARKER}`);
  assert.equal(text[3], 'last');
});

test('keep: 0 rotates by starting the file afresh; keep: 2 keeps only two old files', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-rot-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const zero = new RotatingLogFile(join(dir, 'z.log'), { size: 10, keep: 0 }, { timeIndex: true });
  const two = new RotatingLogFile(join(dir, 't.log'), { size: 10, keep: 2 }, { timeIndex: true });
  for (let i = 0; i < 5; i++) {
    zero.write(Buffer.from(`line ${i} xxxx\n`));
    two.write(Buffer.from(`line ${i} xxxx\n`));
  }
  zero.close();
  two.close();
  // Each file's time index (logs --timestamps) rotates with it.
  assert.deepEqual(readdirSync(dir).sort(), ['t.log', 't.log.1', 't.log.2', 't.times', 't.times.1', 't.times.2', 'z.log', 'z.times']);
  assert.equal(readFileSync(join(dir, 't.log.1'), 'utf8'), 'line 4 xxxx\n');
  assert.equal(readFileSync(join(dir, 't.log.2'), 'utf8'), 'line 3 xxxx\n');
});

test('a lazy capture file and its time index are created at the first write, in a directory made then; after close it takes no more writes', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-lazy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = new RotatingLogFile(join(dir, 'logs', 'a.out.log'), { size: 1 << 20, keep: 1 }, { timeIndex: true, lazy: true });
  assert.deepEqual(readdirSync(dir), [], 'nothing exists before the first line');
  file.write(Buffer.from('first\n'));
  assert.deepEqual(readdirSync(join(dir, 'logs')).sort(), ['a.out.log', 'a.out.times']);
  assert.equal(readFileSync(join(dir, 'logs', 'a.out.log'), 'utf8'), 'first\n');
  file.close();
  assert.throws(() => file.write(Buffer.from('late\n')), /closed/);
});
