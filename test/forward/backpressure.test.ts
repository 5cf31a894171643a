// A receiver that stops reading: bulwark stops writing (the spool holds the rest on disk) instead
// of buffering everything in memory, and delivers all of it once the receiver reads again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delay } from '../helpers/rsyslog.js';
import { makeForwarder } from './scenario.js';
import { listenLoopback } from '../helpers/loopback-server.js';

const TOTAL = 100_000;

test('tcp: a stalled receiver pauses the sender; everything arrives when it reads again', { timeout: 50_000 }, async (t) => {
  let received = 0;
  const rx = await listenLoopback((s) => {
    s.pause(); // stalled receiver
    s.on('data', (d: Buffer) => {
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) received++;
    });
  });
  const { sockets } = rx;
  const { fwd, cleanup } = makeForwarder({ name: 'slow', host: '127.0.0.1', port: rx.port, protocol: 'tcp', framing: 'newline', select: ['all'], resendWindow: '200ms' });
  t.after(async () => {
    await fwd.close();
    rx.close();
    cleanup();
  });
  await fwd.start();
  const pad = 'x'.repeat(400);
  for (let i = 0; i < TOTAL; i++) fwd.accept({ app: 'api', source: 'stdout', line: `${i} ${pad}`, readAt: Date.now() });
  await fwd.durable();
  await delay(2000);
  const stalled = fwd.status()[0]!;
  // ~45 MB accepted; only what fits in the socket buffers (a few MB) may have been written.
  assert.ok(stalled.sent < TOTAL / 2, `sender paused (sent ${stalled.sent} of ${TOTAL})`);
  assert.equal(stalled.spooled, TOTAL, 'nothing counts as delivered while the receiver reads nothing');
  for (const s of sockets) s.resume();
  const deadline = Date.now() + 30_000;
  while (received < TOTAL || fwd.status()[0]!.spooled > 0) {
    assert.ok(Date.now() < deadline, `all arrive (received ${received})`);
    await delay(50);
  }
  assert.equal(received, TOTAL);
});
