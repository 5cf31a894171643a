// A receiver that stops reading: bulwark stops writing (the spool holds the rest on disk) instead
// of buffering everything in memory, and delivers all of it once the receiver reads again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { delay } from '../../helpers/rsyslog.js';
import { makeForwarder } from './scenario.js';

const TOTAL = 100_000;

test('tcp: a stalled receiver pauses the sender; everything arrives when it reads again', { timeout: 50_000 }, async (t) => {
  let received = 0;
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.pause(); // stalled receiver
    s.on('data', (d: Buffer) => {
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) received++;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const { fwd, cleanup } = makeForwarder({ name: 'slow', host: '127.0.0.1', port, protocol: 'tcp', framing: 'newline', select: ['all'], resendWindow: '200ms' });
  t.after(async () => {
    await fwd.close();
    for (const s of sockets) s.destroy();
    server.close();
    cleanup();
  });
  await fwd.start();
  const pad = 'x'.repeat(400);
  for (let i = 0; i < TOTAL; i++) fwd.acceptLine({ app: 'api', source: 'stdout', line: `${i} ${pad}`, readAt: Date.now() });
  await fwd.flushed();
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
