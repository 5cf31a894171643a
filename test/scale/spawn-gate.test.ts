import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpawnGate } from '../../src/supervisor/spawn-gate.js';

test('the spawn gate lets at most perTurn through per turn of the event loop, and I/O runs between turns', async () => {
  const gate = new SpawnGate(8, 1_000);
  let turn = 0;
  let ticking = true;
  // Counts turns of the event loop: a check-phase callback between batches.
  const tick = (): void => { turn++; if (ticking) setImmediate(tick); };
  setImmediate(tick);
  const turns: number[] = [];
  await Promise.all(Array.from({ length: 100 }, async () => {
    await gate.turn();
    turns.push(turn);
  }));
  ticking = false;
  const perTurn = new Map<number, number>();
  for (const t of turns) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
  assert.equal(turns.length, 100);
  assert.ok(Math.max(...perTurn.values()) <= 8, `a turn let ${Math.max(...perTurn.values())} through`);
  assert.ok(perTurn.size >= 100 / 8, `${perTurn.size} turns for 100 callers`);
  // First come, first served: the turns never go backwards.
  for (let i = 1; i < turns.length; i++) assert.ok(turns[i]! >= turns[i - 1]!);
});

test('a caller arriving after the turn spent its time budget waits for the next turn', async () => {
  const gate = new SpawnGate(1_000, 5);
  let sameTurn = true;
  setImmediate(() => { sameTurn = false; });
  await gate.turn();
  const until = performance.now() + 10; // a slow spawn holds the thread past the budget
  while (performance.now() < until) { /* busy */ }
  await gate.turn();
  assert.equal(sameTurn, false, 'the second caller went ahead in the spent turn');
});

test('a lone caller passes at once (no wait for a turn)', async () => {
  const gate = new SpawnGate();
  let sameTurn = true;
  setImmediate(() => { sameTurn = false; });
  await gate.turn();
  assert.ok(sameTurn);
});

test('idle() resolves at once with nobody waiting, else when the last waiting caller got its turn', async () => {
  const gate = new SpawnGate(2, 1_000);
  let early = false;
  await gate.idle().then(() => { early = true; });
  assert.ok(early);
  const released: number[] = [];
  const callers = Array.from({ length: 7 }, (_, i) => gate.turn().then(() => { released.push(i); }));
  assert.equal(gate.waiting, 5);
  await gate.idle();
  assert.equal(gate.waiting, 0);
  await Promise.all(callers);
  assert.equal(released.length, 7);
});
