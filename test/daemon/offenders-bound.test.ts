// Break 5 of issue 16: offender entries are bounded. 1,000 lines with unique 60 KB user names made a
// 60 MB offenders.json, 263 MB of daemon RSS and a 31.6 s `offenders --json`, and every detection
// rewrote the whole file synchronously. Now values are cut, the book has a byte bound, and only
// changes are appended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';
import { procStatusField } from '../helpers/proc-status.js';
import { waitFor } from '../helpers/wait-for.js';
import { DaemonClient } from '../../src/client/client.js';

const APP = resolve(import.meta.dirname, '../../bench/apps/hostile-users.mjs'); // shared with bench/hostile.ts
const LINES = 1000;

function bookSize(home: string): number {
  for (const name of ['offenders.jsonl', 'offenders.json']) {
    const f = join(home, 'state', name);
    if (existsSync(f)) return statSync(f).size;
  }
  return 0;
}

test('1,000 unique 60 KB user names: the offender book stays small, `offenders --json` stays fast, values are cut', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const cfg = h.write('hostile.yml', `apps:\n  - name: victim\n    script: ${JSON.stringify(APP)}\n    args: ["${LINES}", "60000"]\n`);
  const started = await h.run(['start', cfg]);
  assert.equal(started.code, 0, started.stderr);
  const client = await DaemonClient.connect(join(h.home, 'daemon.sock'));
  t.after(() => client.close());
  await waitFor('every line detected', async () => {
    const s = await client.request<{ pipeline: { detections: number } | null }>('status', { all: true });
    return (s.pipeline?.detections ?? 0) >= LINES;
  }, 120_000, 250);
  // Persisted within a few seconds, and the book then stops changing.
  let last = -1;
  await waitFor('the book persisted', async () => {
    const size = bookSize(h.home);
    const stable = size > 0 && size === last;
    last = size;
    await new Promise((r) => setTimeout(r, 1000));
    return stable;
  }, 30_000);
  assert.ok(last < 2 * 1024 * 1024, `offender book is ${(last / 1048576).toFixed(1)} MB`);
  const t0 = performance.now();
  const r = await h.run(['offenders', '--json']);
  const ms = performance.now() - t0;
  assert.equal(r.code, 0, r.stderr);
  assert.ok(ms < 5000, `offenders --json took ${ms.toFixed(0)} ms`);
  const list = JSON.parse(r.stdout) as { type: string; value: string }[];
  const users = list.filter((o) => o.type === 'user');
  assert.equal(users.length, LINES);
  assert.ok(users.every((u) => u.value.length <= 257), 'user values are cut');
  const rss = procStatusField(h.daemonPid()!, 'VmRSS') * 1024;
  assert.ok(rss < 200 * 1024 * 1024, `daemon RSS ${(rss / 1048576).toFixed(0)} MB`);
});
