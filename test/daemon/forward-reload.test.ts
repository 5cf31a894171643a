// Issue 16, break 11: a forward reload while an endpoint is congested must not freeze the tail of
// the captured output, and the daemon must still shut down. The first endpoint's receiver never
// reads (congestion pauses reading, as designed); the reload points forwarding elsewhere; the
// app's newest lines must reach the new receiver, and `kill` must finish.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TestHome, isAlive } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { listenLoopback } from '../helpers/loopback-server.js';

const APPS = join(import.meta.dirname, '../helpers/apps');
const LINES = 40_000;

test('a forward reload while congested: reading resumes on the new endpoint and kill still works', { timeout: 90_000 }, async (t) => {
  const h = new TestHome();
  const stalled = await listenLoopback((s) => s.pause()); // takes the connection, reads nothing
  const got = new Set<number>();
  let tail = '';
  const reading = await listenLoopback((s) => s.setEncoding('utf8').on('data', (d: string) => {
    const text = tail + d;
    const lines = text.split('\n');
    tail = lines.pop()!;
    for (const l of lines) {
      const m = / (\d+) x+$/.exec(l);
      if (m) got.add(Number(m[1]));
    }
  }));
  t.after(() => { h.cleanup(); stalled.close(); reading.close(); });
  // The stalled receiver confirms nothing (1h window); the reading one confirms after 200 ms.
  const config = (name: string, port: number, window: string): string => [
    'apps:',
    '  - name: feed', `    script: ${JSON.stringify(join(APPS, 'writer.mjs'))}`, `    env: { LINES: "${LINES}", RATE: "4000", PAD: "200" }`,
    'forward:',
    `  - { name: ${name}, host: 127.0.0.1, port: ${port}, protocol: tcp, framing: newline, format: rfc3164, select: [all], resendWindow: ${window}, spool: { maxSize: 2MB } }`, '',
  ].join('\n');
  // One file, started, then changed and started again: the file owns its endpoints (a reload).
  assert.equal((await h.run(['start', h.write('b.yml', config('first', stalled.port, '1h'))])).code, 0);
  // Congested: the socket buffers are full and over a quarter of the spool bound is unsent.
  const status = async (): Promise<{ name: string; sent: number; spooled: number }[]> => h.json(['forward', 'status']);
  let before = -1;
  await waitFor('the first endpoint congested (its queue stops growing: reading paused)', async () => {
    const [s] = await status();
    const steady = s !== undefined && s.spooled > 1000 && s.spooled === before;
    before = s?.spooled ?? -1;
    return steady;
  }, 30_000, 1000);
  const began = Date.now();
  const reloaded = await h.run(['start', h.write('b.yml', config('second', reading.port, '200ms'))]);
  assert.equal(reloaded.code, 0, `the reload is applied: ${reloaded.stderr}`);
  t.diagnostic(`reload took ${Date.now() - began} ms`);
  await waitFor('the newest lines on the new endpoint', () => got.has(LINES - 1), 40_000, 100);
  const pid = h.daemonPid()!;
  const killStarted = Date.now();
  const killed = await h.run(['kill'], { timeoutMs: 30_000 });
  t.diagnostic(`kill took ${Date.now() - killStarted} ms; the new endpoint got ${got.size} distinct lines`);
  assert.equal(killed.code, 0, killed.stderr);
  assert.ok(Date.now() - killStarted < 15_000);
  assert.ok(!isAlive(pid));
});
