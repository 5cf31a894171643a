// A connected endpoint slower than the tailer must make reading pause, not make the spool drop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { listenLoopback } from '../helpers/loopback-server.js';

const NODE = process.execPath;
const LINES = 20_000;

test('a slow but connected endpoint pauses the tailer: every line of a file 6x the spool bound arrives, none dropped', async (t) => {
  const h = new TestHome();
  // A receiver that reads about 1.5 MB/s: far slower than the tailer.
  let received = 0;
  let partial = '';
  const rx = await listenLoopback((s) => {
    s.setEncoding('utf8');
    s.on('data', (chunk: string) => {
      const text = partial + chunk;
      const parts = text.split('\n');
      partial = parts.pop()!;
      received += parts.filter((l) => l.includes(' seq=')).length;
      s.pause();
      setTimeout(() => s.resume(), 20);
    });
  });
  t.after(() => { h.cleanup(); rx.close(); });
  const { port } = rx;

  const log = join(h.dir, 'access.log');
  const out = createWriteStream(log);
  for (let seq = 0; seq < LINES; seq++) out.write(`203.0.113.${seq % 250} - - [10/Oct/2024:13:55:36 +0000] "GET /api/items?page=${seq} HTTP/1.1" 200 2326 "-" "bench seq=${seq}" ${'x'.repeat(150)}\n`);
  await new Promise<void>((r) => out.end(r));
  const cfg = h.write('b.yml', [
    'apps:', `  - { name: web, cmd: [${JSON.stringify(NODE)}, "-e", "setInterval(()=>{},60000)"], logs: { tail: [${JSON.stringify(log)}], format: clf } }`,
    'forward:', `  - { name: slow, host: 127.0.0.1, port: ${port}, protocol: tcp, format: rfc5424, framing: newline, select: [all], resendWindow: 200ms, spool: { maxSize: 1MB } }`, '',
  ].join('\n'));
  assert.equal((await h.run(['start', cfg])).code, 0);
  await waitFor(`all ${LINES} lines`, () => received >= LINES, 60_000, 100);
  const st = JSON.parse((await h.run(['forward', 'status', '--json'])).stdout) as { name: string; dropped: number }[];
  assert.equal(st[0]!.dropped, 0);
  assert.equal(received, LINES);
});
