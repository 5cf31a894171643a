import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Spool } from '../../../src/forward/spool/spool.js';

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-spool-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function readAll(s: Spool, from = s.committed.pos): string[] {
  const out: string[] = [];
  for (let pos = from; ;) {
    const b = s.read(pos, 10);
    if (b.length === 0) return out;
    out.push(...b.toString().split('\n').slice(0, -1));
    pos += b.length;
  }
}

test('messages survive a reopen; only committed ones are gone', async (t) => {
  const dir = tmp(t);
  const a = new Spool(dir, { maxSize: 1 << 20 });
  a.open();
  for (const m of ['one', 'two', 'three']) a.append(m);
  assert.equal(a.spooled, 3);
  assert.deepEqual(readAll(a), [], 'nothing is readable (sendable) before it is durable');
  await a.flush();
  a.commit({ pos: 4, seq: 1 });
  a.persistCursor();
  await a.close();
  const b = new Spool(dir, { maxSize: 1 << 20 });
  b.open();
  assert.equal(b.spooled, 2);
  assert.deepEqual(readAll(b), ['two', 'three']);
  await b.close();
});

test('a torn last line left by a crash is cut off at open', async (t) => {
  const dir = tmp(t);
  const a = new Spool(dir, { maxSize: 1 << 20 });
  a.open();
  a.append('whole');
  await a.flush();
  await a.close();
  const [seg] = readdirSync(dir).filter((f) => f.endsWith('.seg'));
  appendFileSync(join(dir, seg!), 'half-writ');
  const b = new Spool(dir, { maxSize: 1 << 20 });
  b.open();
  assert.deepEqual(readAll(b), ['whole']);
  b.append('next');
  await b.flush();
  assert.deepEqual(readAll(b), ['whole', 'next']);
  await b.close();
});

test('over maxSize the oldest segments are dropped and counted, the newest kept', async (t) => {
  const dir = tmp(t);
  const drops: number[] = [];
  const s = new Spool(dir, { maxSize: 256 * 1024 });
  s.handlers = { onDurable() {}, onError() {}, onDrop: (n) => drops.push(n) };
  s.open();
  const line = 'x'.repeat(99); // 100 bytes with LF
  for (let i = 0; i < 5000; i++) {
    s.append(`${i} ${line}`.slice(0, 99));
    if (i % 100 === 99) await s.flush();
  }
  await s.flush();
  assert.ok(s.dropped > 0 && drops.reduce((a, b) => a + b) === s.dropped);
  assert.ok(s.end.pos - s.committed.pos <= 256 * 1024);
  assert.equal(s.spooled, 5000 - s.dropped);
  const all = readAll(s);
  assert.equal(all.length, s.spooled);
  assert.ok(all[all.length - 1]!.startsWith('4999 '), 'the newest message is kept');
  await s.close();
});
