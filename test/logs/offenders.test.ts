import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_BOOK_BYTES, OffenderBook } from '../../src/logs/offenders.js';
import type { SecurityEvent } from '../../src/events/types.js';

function event(i: number, user: string | null, ip: string | null = null): SecurityEvent {
  return {
    id: `e${i}`, type: 'security', at: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(), kind: 'tagged', app: 'a',
    source: 'stdout', line: 'l', ip, user, rule: 'tagged', severity: 'high', message: 'm', count: 1,
  };
}

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-offenders-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the book is bounded in bytes: long attacker-chosen values are cut and the least recently recorded go first', (t) => {
  const book = new OffenderBook(join(tmp(t), 'offenders.jsonl'));
  const long = 'u'.repeat(2000);
  for (let i = 0; i < 40_000; i++) book.record(event(i, `${i}-${long}`));
  const list = book.list();
  assert.ok(list.length > 1000 && list.length < 40_000, `${list.length} entries`);
  assert.ok(list.every((o) => o.value.length <= 257));
  const bytes = list.reduce((n, o) => n + JSON.stringify(o).length, 0);
  assert.ok(bytes <= MAX_BOOK_BYTES, `${bytes} bytes`);
  assert.ok(list[0]!.value.startsWith('39999-'), 'the newest is kept');
  assert.ok(!list.some((o) => o.value.startsWith('0-')), 'the oldest went first');
});

test('a flush appends only what changed; a reload gives the same book; a torn last line is skipped', async (t) => {
  const file = join(tmp(t), 'offenders.jsonl');
  const book = new OffenderBook(file);
  for (let i = 0; i < 100; i++) book.record(event(i, `user${i % 10}`, `198.51.100.${i % 5}`));
  await book.flush();
  const first = statSync(file).size;
  book.record(event(200, 'user3'));
  await book.flush();
  const appended = readFileSync(file, 'utf8').slice(first).trim().split('\n');
  assert.equal(appended.length, 1, 'one changed entry, one appended record');
  assert.equal((JSON.parse(appended[0]!) as { value: string; total: number }).total, 11);
  appendFileSync(file, '{"type":"user","val');
  const again = new OffenderBook(file).list();
  assert.deepEqual(again, book.list());
  assert.equal(again.find((o) => o.value === 'user3')!.total, 11);
});

test('the journal is compacted once it outgrows the book, and persistence never blocks the caller', async (t) => {
  const file = join(tmp(t), 'offenders.jsonl');
  const book = new OffenderBook(file);
  const flushes: Promise<void>[] = [];
  for (let round = 0; round < 40; round++) {
    for (let i = 0; i < 2000; i++) book.record(event(round * 2000 + i, `r-${i}-${'x'.repeat(200)}`));
    flushes.push(book.flush());
    if (round === 0) assert.equal(existsSync(file), false, 'flush returns before anything is written: the write runs off the event loop');
  }
  await Promise.all(flushes);
  assert.ok(statSync(file).size < 4 * MAX_BOOK_BYTES, `journal ${statSync(file).size} bytes`);
  assert.deepEqual(new OffenderBook(file).list().map((o) => [o.value, o.total]), book.list().map((o) => [o.value, o.total]));
});
