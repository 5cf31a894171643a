// The receiver-outage scenario: 10,000 events produced while the receiver is stopped 1 s in and
// started again OUTAGE_MS later (test/helpers/durations.ts; the run: 30 s). Returns what
// arrived, counted by event id.
import type { TestContext } from 'node:test';
import { rmSync } from 'node:fs';
import assert from 'node:assert/strict';
import { delay, makeTestCa, startRsyslog } from '../helpers/rsyslog.js';
import { OUTAGE_MS } from '../helpers/durations.js';
import { countIds, makeForwarder, missing, securityEvent } from './scenario.js';

const TOTAL = 10_000;
const STOP_AT_MS = 1_000;
const PRODUCE_MS = STOP_AT_MS + OUTAGE_MS + 2_000;

export async function receiverOutage(t: TestContext, protocol: 'tcp' | 'tls' | 'relp'): Promise<{ duplicates: number }> {
  const ca = protocol === 'tls' ? makeTestCa() : undefined;
  const rx = await startRsyslog(protocol === 'tls' ? { tls: ca } : { [protocol]: true });
  const { fwd, emitted, cleanup } = makeForwarder({
    name: 'rx', host: '127.0.0.1', port: rx.ports[protocol]!, protocol, select: ['security'],
    ...(ca ? { ca: ca.caFile } : {}), resendWindow: '2s',
  });
  t.after(async () => {
    await fwd.close();
    await rx.dispose();
    cleanup();
    if (ca) rmSync(ca.dir, { recursive: true, force: true });
  });
  await fwd.start();
  const prefix = `${protocol}-`;
  const t0 = Date.now();
  let produced = 0;
  let stopped = false;
  let restarted = false;
  while (produced < TOTAL) {
    const elapsed = Date.now() - t0;
    if (!stopped && elapsed >= STOP_AT_MS) {
      stopped = true;
      await rx.stop();
    }
    if (stopped && !restarted && elapsed >= STOP_AT_MS + OUTAGE_MS) {
      restarted = true;
      await rx.start();
    }
    const due = Math.min(TOTAL, Math.ceil((elapsed / PRODUCE_MS) * TOTAL));
    for (; produced < due; produced++) fwd.accept(securityEvent(`${prefix}${produced}`));
    await fwd.durable();
    await delay(20);
  }
  if (!restarted) await rx.start();
  const records = await rx.waitFor((r) => countIds(r, prefix).unique.size >= TOTAL, 25_000).catch(() => rx.records());
  const { unique, duplicates, duplicated } = countIds(records, prefix);
  assert.deepEqual(missing(unique, prefix, TOTAL).slice(0, 10), [], `all ${TOTAL} arrived (got ${unique.size})`);
  assert.ok(emitted.some((e) => e.kind === 'forward.down'), 'the outage was reported');
  assert.equal(emitted[emitted.length - 1]!.kind, 'forward.up', 'and the recovery');
  t.diagnostic(`${protocol}: ${unique.size} unique, ${duplicates} duplicates (${duplicated.join(' ')}), status ${JSON.stringify(fwd.status()[0])}`);
  return { duplicates };
}
