// A receiver that closes an idle connection (Papertrail does after 15 minutes): the next event
// goes out on a fresh connection instead of into the dead one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listenLoopback } from '../helpers/loopback-server.js';
import { delay } from '../helpers/rsyslog.js';
import { makeForwarder, securityEvent } from './scenario.js';

test('tcp: a peer that closed the idle connection is noticed before the next write', { timeout: 30_000 }, async (t) => {
  const received: string[] = [];
  const rx = await listenLoopback((s) => {
    s.setEncoding('utf8');
    s.on('data', (d: string) => received.push(...d.split('\n').filter(Boolean)));
  });
  const { sockets } = rx;
  const { fwd, emitted, cleanup } = makeForwarder({ name: 'idle', host: '127.0.0.1', port: rx.port, protocol: 'tcp', framing: 'newline', resendWindow: '100ms' });
  t.after(async () => {
    await fwd.close();
    rx.close();
    cleanup();
  });
  await fwd.start();
  fwd.accept(securityEvent('idle-1'));
  await waitUntil(() => received.length === 1 && fwd.status()[0]!.spooled === 0);
  for (const s of sockets) s.end(); // the receiver's idle timeout
  await waitUntil(() => !fwd.status()[0]!.connected);
  fwd.accept(securityEvent('idle-2'));
  await waitUntil(() => received.length === 2 && fwd.status()[0]!.spooled === 0);
  assert.equal(sockets.length, 2); // connections accepted
  assert.match(received[1]!, /id="idle-2"\]/);
  assert.deepEqual(emitted.map((e) => e.kind), ['forward.up'], 'an idle close is not an outage');
});

async function waitUntil(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    assert.ok(Date.now() < deadline, 'condition reached in time');
    await delay(20);
  }
}
