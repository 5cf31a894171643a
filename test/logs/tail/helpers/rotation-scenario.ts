// The 100-rotations scenario shared by the three rotation tests: a writer child appends numbered
// lines at 10,000 lines/s and rotates its file; an in-process TailSource feeds a consumer that
// sometimes holds reading back (backpressure) so the tailer lags behind the writer at rotations.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { TailSource } from '../../../../src/logs/tail/index.js';
import { SeqLedger, kill, startWriter, tempDir, type WriterConfig } from './harness.js';
import { waitFor } from '../../../helpers/wait-for.js';

export async function hundredRotations(t: TestContext, mode: 'rename' | 'copytruncate' | 'delete', patterns: string[]): Promise<void> {
  const tmp = tempDir(mode);
  t.after(tmp.cleanup);
  const ledger = new SeqLedger();
  let batches = 0;
  const errors: string[] = [];
  const source = new TailSource({
    app: 'rot', patterns, cwd: tmp.dir, stateDir: join(tmp.dir, 'state'), pollMs: 100,
    onError: (e) => errors.push(`${e.code} ${e.message}`),
    onBatch(b) {
      for (const line of b.lines) ledger.add(line);
      if (++batches % 8 !== 0) { b.commit(); return; }
      return new Promise<void>((resolve) => setTimeout(() => { b.commit(); resolve(); }, 15));
    },
  });
  await source.start();
  t.after(() => source.stop());

  const cfg: WriterConfig = { file: join(tmp.dir, 'app.log'), mode, rate: 10_000, rotations: 100, rotateEveryMs: 75 };
  // delete+recreate destroys a file's bytes at unlink unless someone holds it open, so the
  // rotator waits (at least 75 ms) until the tailer has delivered a line of the current file:
  // the test then measures what the tailer promises (nothing lost once a file is followed).
  const gated = mode === 'delete';
  const writer = startWriter({ ...cfg, gated });
  t.after(() => kill(writer.child));
  if (gated) {
    let current = 0;
    for (let r = 0; r < 100; r++) {
      const since = Date.now();
      await waitFor(`a line of file ${r}`, () => ledger.has(current) && Date.now() - since >= 75, 10_000);
      writer.child.kill('SIGUSR2');
      await waitFor(`rotation ${r + 1}`, () => writer.rotatedAt.length > r, 5_000);
      current = writer.rotatedAt[r]!;
    }
    await new Promise((r) => setTimeout(r, 200));
    writer.child.kill('SIGTERM');
  }
  const written = await writer.done;
  await waitFor(`all ${written} lines`, () => ledger.total >= written, 20_000);
  await new Promise((r) => setTimeout(r, 300)); // let any duplicate show up
  const audit = ledger.audit(written);
  const stats = source.stats();
  t.diagnostic(`${mode}: ${written} lines, ${batches} batches, missing ${audit.missing}, duplicated ${audit.duplicates}, stats ${JSON.stringify(stats)}`);
  assert.deepEqual(errors, []);
  assert.equal(audit.missing, 0, `missing, first: ${audit.firstMissing.join(', ')}`);
  assert.equal(audit.duplicates, 0);
  assert.equal(audit.beyond, 0);
  assert.ok(written >= 70_000, `the writer wrote ${written} lines`);
  assert.ok(stats.rotations >= 50, `rotations seen: ${stats.rotations}`);
}
