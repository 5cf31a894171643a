// A tail checkpoint taken on afterWritten() runs right after the spool write it waited for and
// before that write's fdatasync starts. With the fdatasync started first, the wakeup of the thread
// pool between the two writes stretched the gap from ~0.1 ms to 5-45 ms under load, and a daemon
// SIGKILLed in it sent the whole batch again after its restart (test/daemon/sigkill-duplicates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { makeForwarder } from './scenario.js';
import { waitFor } from '../helpers/wait-for.js';

const line = (text: string) => ({ app: 'web', source: 'stdout', line: text, readAt: Date.now() });

test('afterWritten: the checkpoint follows the spool write, before its fdatasync; each batch waits for its own write', async (t) => {
  const calls: string[] = [];
  const realSync = fs.fdatasync;
  // The spool calls fdatasync through the ESM binding of node:fs: syncBuiltinESMExports makes it see the spy.
  fs.fdatasync = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    calls.push('fdatasync');
    realSync(fd, cb);
  }) as typeof fs.fdatasync;
  syncBuiltinESMExports();
  t.after(() => { fs.fdatasync = realSync; syncBuiltinESMExports(); });
  // Nothing listens on the discard port: the endpoint keeps retrying, which leaves the spool alone.
  const { fwd, cleanup } = makeForwarder({ name: 'rx', host: '127.0.0.1', port: 9, protocol: 'tcp', select: ['all'] });
  t.after(async () => { await fwd.close(); cleanup(); });
  await fwd.start();
  calls.length = 0;

  fwd.accept(line('one'));
  fwd.afterWritten(() => calls.push('checkpoint 1'));
  assert.deepEqual([...calls], [], 'not written yet: the spool write comes on the next turn');
  await waitFor('the first checkpoint and its fdatasync', () => calls.length >= 2, 5_000, 5);
  assert.deepEqual([...calls], ['checkpoint 1', 'fdatasync']);

  // Everything accepted is written: the callback runs at once, inside the call.
  fwd.afterWritten(() => calls.push('checkpoint now'));
  assert.deepEqual(calls.slice(2), ['checkpoint now']);

  // Two batches: each checkpoint waits for the write of its own lines.
  calls.length = 0;
  fwd.accept(line('two'));
  fwd.afterWritten(() => calls.push('checkpoint 2'));
  await waitFor('the second checkpoint', () => calls.includes('checkpoint 2'), 5_000, 5);
  fwd.accept(line('three'));
  fwd.afterWritten(() => calls.push('checkpoint 3'));
  await waitFor('the third checkpoint and both fdatasyncs', () => calls.filter((c) => c === 'fdatasync').length >= 2 && calls.includes('checkpoint 3'), 5_000, 5);
  assert.deepEqual([...calls], ['checkpoint 2', 'fdatasync', 'checkpoint 3', 'fdatasync']);
});
