import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TailSource } from '../../../src/logs/tail/index.js';
import { SeqLedger, kill, startWriter, tempDir } from './helpers/harness.js';
import { waitFor } from '../../helpers/wait-for.js';

test('a line appended to a tailed file reaches onBatch within 500 ms (p99 over 1,000 lines)', async (t) => {
  const tmp = tempDir('latency');
  t.after(tmp.cleanup);
  const latencies: number[] = [];
  const ledger = new SeqLedger();
  let batches = 0;
  /** Batch number in which each sequence number was delivered, to name both batches of a duplicate. */
  const deliveredIn = new Map<number, number[]>();
  const source = new TailSource({
    app: 'lat', patterns: ['app.log'], cwd: tmp.dir, stateDir: join(tmp.dir, 'state'),
    onBatch(b) {
      const now = performance.timeOrigin + performance.now();
      batches++;
      for (const line of b.lines) {
        ledger.add(line);
        const seq = Number(line.slice(4, line.indexOf(' ')));
        deliveredIn.set(seq, [...(deliveredIn.get(seq) ?? []), batches]);
        latencies.push(now - Number(line.slice(line.indexOf(' t=') + 3)));
      }
      b.commit();
    },
  });
  await source.start();
  t.after(() => source.stop());
  // The file does not exist when watching begins; the writer appends one stamped line every 5 ms.
  const writer = startWriter({ file: join(tmp.dir, 'app.log'), rate: 200, tickMs: 5, maxLines: 1000, durationMs: 60_000, stamp: true });
  t.after(() => kill(writer.child));
  const written = await writer.done;
  await waitFor(`${written} lines`, () => latencies.length >= written, 10_000);
  await new Promise((r) => setTimeout(r, 200)); // let a duplicate of the last lines show up
  const sorted = [...latencies].sort((x, y) => x - y);
  const p = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  t.diagnostic(`append -> onBatch latency ms: p50 ${p(0.5).toFixed(1)}, p99 ${p(0.99).toFixed(1)}, max ${sorted.at(-1)!.toFixed(1)}`);
  const audit = ledger.audit(written);
  const dupInfo = audit.firstDuplicated.map((s) => `seq=${s} in batches ${deliveredIn.get(s)!.join(', ')}`).join('; ');
  assert.equal(written, 1000, 'the writer wrote exactly maxLines lines');
  assert.equal(audit.duplicates, 0, `delivered more than once: ${dupInfo}`);
  assert.equal(audit.missing, 0, `missing, first: ${audit.firstMissing.join(', ')}`);
  assert.equal(audit.beyond, 0);
  assert.equal(latencies.length, written);
  assert.ok(latencies.every(Number.isFinite));
  assert.ok(p(0.99) < 500, `p99 ${p(0.99)} ms`);
});
