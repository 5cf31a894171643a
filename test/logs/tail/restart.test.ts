import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeqLedger, TAIL_CHILD, kill, startWriter, tempDir } from './helpers/harness.js';
import { waitFor } from '../../helpers/wait-for.js';

/** Starts a tail-child process and resolves once its TailSource has started. */
async function startTailer(cfg: object): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', TAIL_CHILD, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
    child.once('exit', (code) => reject(new Error(`tail child exited early (${code})`)));
  });
  return child;
}

/** Reads an output file of tail-child: returns the lines and the size of its last batch. */
function readOutput(file: string): { lines: string[]; lastBatch: number } {
  if (!existsSync(file)) return { lines: [], lastBatch: 0 };
  const lines: string[] = [];
  let lastBatch = 0;
  for (const l of readFileSync(file, 'utf8').split('\n')) {
    if (l.startsWith('#')) lastBatch = Number(l.slice(1));
    else if (l.startsWith('seq=')) lines.push(l);
  }
  return { lines, lastBatch };
}

for (const rotation of ['rename', 'copytruncate'] as const) {
  test(`after SIGKILL a new TailSource resumes at the committed offset, also when the file was rotated (${rotation}) while down`, async (t) => {
    const tmp = tempDir(`restart-${rotation}`);
    t.after(tmp.cleanup);
    const cfg = { dir: tmp.dir, stateDir: join(tmp.dir, 'state'), patterns: ['app.log*'] };
    const outA = join(tmp.dir, 'out-a'), outB = join(tmp.dir, 'out-b');
    const writer = startWriter({ file: join(tmp.dir, 'app.log'), mode: rotation, rate: 10_000, gated: true });
    t.after(() => kill(writer.child));

    const a = await startTailer({ ...cfg, out: outA });
    t.after(() => kill(a));
    await waitFor('the first tailer to accept 5,000 lines', () => readOutput(outA).lines.length >= 5000, 15_000);
    await kill(a, 'SIGKILL');

    // While no tailer runs: more lines, a rotation, more lines into the new file.
    await new Promise((r) => setTimeout(r, 200));
    writer.child.kill('SIGUSR2');
    await waitFor('the rotation', () => writer.rotatedAt.length === 1, 5000);
    await new Promise((r) => setTimeout(r, 200));

    const b = await startTailer({ ...cfg, out: outB });
    t.after(() => kill(b));
    await new Promise((r) => setTimeout(r, 300));
    writer.child.kill('SIGTERM');
    const written = await writer.done;

    const first = readOutput(outA);
    const ledger = new SeqLedger();
    await waitFor(`all ${written} lines across both tailers`, () => {
      const second = readOutput(outB);
      return first.lines.length + second.lines.length >= written;
    }, 20_000);
    await kill(b, 'SIGTERM');
    for (const l of first.lines) ledger.add(l);
    for (const l of readOutput(outB).lines) ledger.add(l);
    const audit = ledger.audit(written);
    t.diagnostic(`${rotation}: ${written} lines; first tailer ${first.lines.length} (last batch ${first.lastBatch}); missing ${audit.missing}, duplicated ${audit.duplicates}`);
    assert.equal(audit.missing, 0, `missing, first: ${audit.firstMissing.join(', ')}`);
    assert.ok(audit.duplicates <= first.lastBatch, `duplicated ${audit.duplicates} > the last (possibly uncommitted) batch of ${first.lastBatch}`);
    assert.equal(audit.beyond, 0);
  });
}
