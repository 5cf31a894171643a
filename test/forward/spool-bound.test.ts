// A long outage fills the spool: the oldest messages are dropped to stay under spool.maxSize,
// counted in status and reported as forward.dropped; the newest are kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../helpers/free-port.js';
import { makeForwarder, securityEvent } from './scenario.js';

test('over spool.maxSize the oldest events are dropped, counted and reported', { timeout: 30_000 }, async (t) => {
  const port = await freePort(); // nothing listens: an endpoint that is down
  const { fwd, emitted, cleanup } = makeForwarder({ name: 'down', host: '127.0.0.1', port, protocol: 'tcp', spool: { maxSize: '256KB' } });
  t.after(async () => {
    await fwd.close();
    cleanup();
  });
  await fwd.start();
  for (let i = 0; i < 5000; i++) {
    fwd.accept({ ...securityEvent(`bound-${i}`), line: `${'x'.repeat(400)} ${i}` });
    if (i % 500 === 499) await fwd.durable();
  }
  await fwd.durable();
  const [st] = fwd.status();
  assert.ok(st!.dropped > 0, 'some were dropped');
  assert.equal(st!.spooled + st!.dropped, 5000, 'every event is either spooled or counted as dropped');
  assert.ok(st!.spooled * 500 <= 256 * 1024 * 1.5, `spool stays near its bound (${st!.spooled} spooled)`);
  const reported = emitted.filter((e) => e.kind === 'forward.dropped');
  assert.ok(reported.length > 0);
  assert.match(reported[0]!.message, /dropped the \d+ oldest messages/);
});
