// `events --type` accepts every kind the daemon publishes: the daemon's kinds are a typed union,
// so a new kind that is not listed fails to compile, and these are the ones that were missing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_KINDS, isEventTypeOrKind } from '../../src/events/kinds.js';

test('every daemon kind is a known --type, the http ones included', () => {
  for (const kind of ['http', 'http-failed', 'reload', 'reload-failed', 'stall', 'containment']) {
    assert.ok(isEventTypeOrKind(kind), `${kind} refused`);
    assert.ok(EVENT_KINDS.daemon.includes(kind), `${kind} not a daemon kind`);
  }
  assert.equal(isEventTypeOrKind('no-such-kind'), false);
});
