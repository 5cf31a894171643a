// TCP has no acknowledgements: a batch leaves the spool once `resendWindowSize` more bytes went
// into the kernel after it (our send buffer plus the receiver's receive buffer cannot hold that
// much, so the receiver read it), or once `resendWindow` passed with the socket flowing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listenLoopback } from '../helpers/loopback-server.js';
import { delay } from '../helpers/rsyslog.js';
import { makeForwarder } from './scenario.js';
import type { LogLine } from '../../src/events/types.js';

const PAYLOAD = 'x'.repeat(900);

function line(i: number): LogLine {
  return { app: 'api', source: 'stdout', line: `${i} ${PAYLOAD}`, readAt: Date.now() };
}

/** Accepts `n` raw lines (select: all), flushing to the spool in batches like the pipeline does. */
async function produce(fwd: ReturnType<typeof makeForwarder>['fwd'], n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    fwd.accept(line(i));
    if (i % 1000 === 999) await fwd.durable();
  }
  await fwd.durable();
}

async function waitUntil(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    assert.ok(Date.now() < deadline, `in time: ${what}`);
    await delay(20);
  }
}

test('tcp: a busy stream is confirmed by the bytes pushed after it, long before the time window', { timeout: 60_000 }, async (t) => {
  let receivedBytes = 0;
  const rx = await listenLoopback((s) => s.on('data', (d: Buffer) => { receivedBytes += d.length; }));
  const { fwd, cleanup } = makeForwarder({
    name: 'busy', host: '127.0.0.1', port: rx.port, protocol: 'tcp', framing: 'newline', select: ['all'],
    resendWindow: '1h', resendWindowSize: '2MB',
  });
  t.after(async () => { await fwd.close(); rx.close(); cleanup(); });
  await fwd.start();
  await produce(fwd, 20_000); // ~19 MB
  await waitUntil(() => receivedBytes >= 19_000_000, 'the receiver read everything');
  // All but the last ~2 MB (the window) left the spool, within seconds rather than the hour.
  await waitUntil(() => fwd.status()[0]!.spooled < 20_000 - 15_000, 'most of it confirmed');
  assert.ok(fwd.status()[0]!.spooled > 0, 'the newest bytes stay resendable: nothing was pushed through after them');
});

test('tcp: a receiver that reads nothing gets nothing confirmed under the default window', { timeout: 60_000 }, async (t) => {
  const rx = await listenLoopback((s) => s.pause()); // accepts, never reads: kernel buffers fill up
  const { fwd, cleanup } = makeForwarder({
    name: 'stuck', host: '127.0.0.1', port: rx.port, protocol: 'tcp', framing: 'newline', select: ['all'], resendWindow: '1h',
  });
  t.after(async () => { await fwd.close(); rx.close(); cleanup(); });
  await fwd.start();
  await produce(fwd, 40_000); // ~38 MB: more than the default 32 MB window and than the kernel buffers
  await waitUntil(() => fwd.status()[0]!.connected, 'connected');
  // Give the sender every chance to fill both kernel buffers, then check that whatever they took
  // was not mistaken for delivery: bytes that fit in socket buffers prove nothing.
  let last = -1;
  await waitUntil(() => {
    const sent = fwd.status()[0]!.sent;
    const settled = sent === last;
    last = sent;
    return settled && sent > 0;
  }, 'sending stalls behind the full buffers');
  await delay(500);
  assert.equal(fwd.status()[0]!.spooled, 40_000, 'nothing left the spool');
});
