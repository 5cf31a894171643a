// The scale bench's arithmetic: when the last app was forked, read from `events --json`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastSpawnS } from '../../bench/scale.js';

const since = Date.parse('2026-12-02T10:00:00.000Z');
const event = (app: string, kind: string, at: string, pid = true) => JSON.stringify({ at: `2026-12-02T10:00:${at}Z`, type: 'lifecycle', app, instance: 0, kind, ...(pid ? { pid: 1 } : {}) });

test("spawned is the last app's first fork after the start, in seconds from the start", () => {
  const text = [
    event('a', 'start', '00.100', false), event('a', 'online', '01.500'),
    event('b', 'spawned', '02.250'), event('b', 'online', '03.000'), // b forked at 2.25 s, ready later
    event('a', 'online', '09.000'), // a later restart is not the start's fork
    '',
  ].join('\n');
  assert.equal(lastSpawnS(text, since, 2), 2.25);
});

test('spawned is unknown while some app has no fork, and events from before the start do not count', () => {
  const before = JSON.stringify({ at: '2026-12-02T09:59:59.000Z', app: 'b', instance: 0, kind: 'online', pid: 1 });
  assert.equal(lastSpawnS([event('a', 'online', '01.000'), before].join('\n'), since, 2), undefined);
});
