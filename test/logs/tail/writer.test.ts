// The tail tests' writer child must write exactly maxLines lines when asked to, even when its
// ticks come late. It once caught up past the limit on a loaded machine (1,001 lines for 1,000),
// which made latency.test.ts report "1001 !== 1000" as if the tailer had delivered a line twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { kill, startWriter, tempDir } from './helpers/harness.js';
import { waitFor } from '../../helpers/wait-for.js';

test('the writer stops at exactly maxLines, also after a stall longer than the lines it had left', async (t) => {
  const tmp = tempDir('writer');
  t.after(tmp.cleanup);
  const file = join(tmp.dir, 'app.log');
  // 200 lines at 200 lines/s would take 1 s; the writer is stopped for 1.5 s once it has begun,
  // so its first tick after SIGCONT owes more than maxLines.
  const writer = startWriter({ file, rate: 200, tickMs: 5, maxLines: 200, durationMs: 60_000, stamp: true });
  t.after(() => kill(writer.child));
  await waitFor('the first line', () => { try { return statSync(file).size > 0; } catch { return false; } }, 10_000);
  writer.child.kill('SIGSTOP');
  await new Promise((r) => setTimeout(r, 1500));
  writer.child.kill('SIGCONT');
  const written = await writer.done;
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  assert.equal(written, 200);
  assert.equal(lines.length, 200);
  assert.equal(lines.at(-1)!.split(' ')[0], 'seq=199');
});
