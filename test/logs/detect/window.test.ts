// Exact sliding windows: both sides of every boundary (docs/detection.md, "Windows").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountWindow, DistinctWindow } from '../../../src/logs/detect/window.js';

const S = 1000;

test('count window fires on the event that reaches the threshold, window inclusive at exactly findtime', () => {
  const w = new CountWindow(5, 60 * S);
  assert.deepEqual([0, 15, 30, 45].map((t) => w.hit('ip', t * S)), [0, 0, 0, 0]);
  assert.equal(w.hit('ip', 60 * S), 5, 't5 - findtime == t1: t1 is inside the window');
});

test('count window does not fire when the threshold is spread 1 ms beyond findtime', () => {
  const w = new CountWindow(5, 60 * S);
  for (const t of [0, 15, 30, 45]) w.hit('ip', t * S);
  assert.equal(w.hit('ip', 60 * S + 1), 0);
  assert.equal(w.hit('ip', 61 * S), 5, 'the next event has 5 within its window (15..61)');
});

test('count window: one below the threshold inside the window does not fire', () => {
  const w = new CountWindow(5, 60 * S);
  assert.deepEqual([0, 1, 2, 3].map((t) => w.hit('ip', t * S)), [0, 0, 0, 0]);
});

test('count window fires once per episode; a gap longer than findtime ends it, a gap of exactly findtime does not', () => {
  const w = new CountWindow(3, 60 * S);
  assert.deepEqual([0, 1, 2].map((t) => w.hit('k', t * S)), [0, 0, 3]);
  assert.deepEqual([3, 10, 70].map((t) => w.hit('k', t * S)), [0, 0, 0], 'gap 60 s == findtime: same episode');
  // gap of 60.001 s: episode over, counting restarts from this event
  assert.equal(w.hit('k', 130 * S + 1), 0);
  assert.equal(w.hit('k', 131 * S), 0);
  assert.equal(w.hit('k', 132 * S), 3);
});

test('count window keys are independent and late lines cannot move time backwards', () => {
  const w = new CountWindow(3, 60 * S);
  w.hit('a', 100 * S);
  w.hit('b', 100 * S);
  w.hit('a', 101 * S);
  assert.equal(w.hit('a', 10 * S), 3, 'a late line counts at the key\'s latest time');
  assert.equal(w.hit('b', 101 * S), 0);
});

test('distinct window counts distinct members, inclusive at findtime, and not beyond', () => {
  const w = new DistinctWindow(5, 300 * S);
  assert.deepEqual(['u1', 'u2', 'u2', 'u3', 'u4'].map((u, i) => w.hit('ip', u, i * 60 * S)), [0, 0, 0, 0, 0]);
  assert.equal(w.hit('ip', 'u5', 300 * S), 5, 'u1 at t=0 is still inside at t=300 s');

  const late = new DistinctWindow(5, 300 * S);
  ['u1', 'u2', 'u3', 'u4'].forEach((u, i) => late.hit('ip', u, i * 50 * S));
  assert.equal(late.hit('ip', 'u5', 300 * S + 1), 0, 'u1 fell out 1 ms ago');
});

test('distinct window: a user who then succeeds is forgotten (a typo behind a shared NAT is not stuffing)', () => {
  const w = new DistinctWindow(3, 300 * S);
  w.hit('nat', 'ann', 0);
  w.hit('nat', 'ben', S);
  w.forget('nat', 'ben');
  assert.equal(w.hit('nat', 'cat', 2 * S), 0);
  assert.equal(w.hit('nat', 'dan', 3 * S), 3);
});
