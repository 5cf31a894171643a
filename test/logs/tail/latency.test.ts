import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TailSource } from '../../../src/logs/tail/index.js';
import { kill, startWriter, tempDir, waitFor } from './helpers/harness.js';

test('a line appended to a tailed file reaches onBatch within 500 ms (p99 over 1,000 lines)', async (t) => {
  const tmp = tempDir('latency');
  t.after(tmp.cleanup);
  const latencies: number[] = [];
  const source = new TailSource({
    app: 'lat', patterns: ['app.log'], cwd: tmp.dir, stateDir: join(tmp.dir, 'state'),
    onBatch(b) {
      const now = performance.timeOrigin + performance.now();
      for (const line of b.lines) latencies.push(now - Number(line.slice(line.indexOf(' t=') + 3)));
      b.commit();
    },
  });
  await source.start();
  t.after(() => source.stop());
  // The file does not exist when watching begins; the writer appends one stamped line every 5 ms.
  const writer = startWriter({ file: join(tmp.dir, 'app.log'), rate: 200, tickMs: 5, maxLines: 1000, durationMs: 60_000, stamp: true });
  t.after(() => kill(writer.child));
  await writer.done;
  await waitFor('1,000 lines', () => latencies.length >= 1000, 10_000);
  const sorted = [...latencies].sort((x, y) => x - y);
  const p = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  t.diagnostic(`append -> onBatch latency ms: p50 ${p(0.5).toFixed(1)}, p99 ${p(0.99).toFixed(1)}, max ${sorted.at(-1)!.toFixed(1)}`);
  assert.equal(latencies.length, 1000);
  assert.ok(latencies.every(Number.isFinite));
  assert.ok(p(0.99) < 500, `p99 ${p(0.99)} ms`);
});
