// The state machine is data: a table of legal moves between sub-states, asserted on every
// transition, with the stop phases (stop signal sent, SIGKILL sent) visible in status and events.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SubState } from '../../src/events/types.js';
import { IllegalTransitionError, STATE_OF, TRANSITIONS, assertTransition } from '../../src/supervisor/lifecycle.js';
import { APPS, app, harness } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';

const SUBSTATES = Object.keys(STATE_OF) as SubState[];

test('every sub-state is reachable and every kind moves between known sub-states', () => {
  const reachable = new Set<SubState>(['dead']);
  for (const move of Object.values(TRANSITIONS)) {
    assert.ok(move.from.length > 0 && move.to.length > 0);
    for (const s of [...move.from, ...move.to]) assert.ok(SUBSTATES.includes(s), s);
    for (const s of move.to) reachable.add(s);
  }
  assert.deepEqual([...reachable].sort(), [...SUBSTATES].sort());
  assert.equal(STATE_OF['stop-sigterm'], 'stopping');
  assert.equal(STATE_OF['stop-sigkill'], 'stopping');
});

test('an illegal move throws, a legal one passes', () => {
  assertTransition('start', 'dead', 'start');
  assertTransition('kill', 'stop-sigterm', 'stop-sigkill');
  assert.throws(() => assertTransition('online', 'dead', 'running'), IllegalTransitionError);
  assert.throws(() => assertTransition('kill', 'stop-sigkill', 'stop-sigkill'), /illegal lifecycle transition "kill": stop-sigkill -> stop-sigkill/);
  assert.throws(() => assertTransition('crash', 'running', 'dead'), IllegalTransitionError);
});

test('a stop shows stop-sigterm while the grace runs, then a kill event enters stop-sigkill', async (t) => {
  const h = harness(t);
  const file = join(h.home, 'pids');
  h.sup.add(app({ name: 'tree', script: join(APPS, 'grandchild.mjs'), env: { PIDS_FILE: file }, stop: { timeout: '600ms' } }));
  await h.sup.start('tree');
  await waitFor('pids written', () => existsSync(file) && readFileSync(file, 'utf8').includes(' '));
  assert.equal(h.sup.status('tree')[0]!.substate, 'running');
  const stopping = h.sup.stop('tree');
  await waitFor('stopping', () => h.sup.status('tree')[0]!.state === 'stopping');
  assert.equal(h.sup.status('tree')[0]!.substate, 'stop-sigterm');
  await stopping;
  assert.deepEqual(h.events.map((e) => `${e.kind}:${e.substate ?? ''}`), [
    'start:start', 'online:running', 'stop:stop-sigterm', 'kill:stop-sigkill', 'stopped:dead',
  ]);
  const kill = h.kinds('kill')[0]!;
  assert.equal(kill.from, 'stopping');
  assert.equal(kill.to, 'stopping');
  assert.match(kill.reason, /SIGTERM not enough after 600ms: SIGKILL to (cgroup|process group) /);
  assert.equal(h.sup.status('tree')[0]!.substate, 'dead');
});

test('stop.signal SIGKILL goes straight to stop-sigkill, with no kill event', async (t) => {
  const h = harness(t);
  h.sup.add(app({ name: 'idle', script: join(APPS, 'idle.mjs'), stop: { signal: 'SIGKILL' } }));
  await h.sup.start('idle');
  await h.sup.stop('idle');
  assert.deepEqual(h.events.map((e) => `${e.kind}:${e.substate ?? ''}`), ['start:start', 'online:running', 'stop:stop-sigkill', 'stopped:dead']);
  assert.equal(h.kinds('stopped')[0]!.signal, 'SIGKILL');
});
