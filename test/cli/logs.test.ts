import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const NODE = process.execPath;
// 1,000 numbered lines a second, ~50 bytes each: a 48 KB rotate size rotates about once a second.
const WRITER = `let i=0;setInterval(()=>{for(let k=0;k<20;k++)console.log('line '+(i++)+' '+'x'.repeat(40))},20)`;

test('logs -n shows the last lines, and logs -f follows the output across rotations without a gap or a repeat', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const cfg = h.write('b.yml', `apps:\n  - name: w\n    cmd: [${JSON.stringify(NODE)}, "-e", ${JSON.stringify(WRITER)}]\n    logs: { rotate: { size: 48KB, keep: 3 } }\n`);
  assert.equal((await h.run(['start', cfg])).code, 0);
  await waitFor('some output', () => readdirSync(join(h.home, 'logs')).includes('w.out.log.1'), 20_000);
  // Right after a rotation the current file can hold fewer than 5 lines (or none): ask again then.
  const shown = await waitFor('5 lines', async () => {
    const lines = (await h.run(['logs', 'w', '-n', '5', '--out'])).stdout.trim().split('\n');
    return lines.length === 5 ? lines : undefined;
  });
  assert.match(shown[0]!, /^w\|out line \d+ x+$/);

  const follower = spawn(NODE, [BIN, 'logs', 'w', '--out', '-f', '-n', '0', '--raw'], { env: h.env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  follower.stdout.on('data', (d) => { out += d; });
  t.after(() => follower.kill('SIGKILL'));
  const rotations = () => readdirSync(join(h.home, 'logs')).length;
  const startFiles = rotations();
  await waitFor('3,000 followed lines', () => out.split('\n').length > 3000, 30_000);
  follower.kill('SIGINT');
  const seqs = out.split('\n').filter(Boolean).map((l) => Number(/^line (\d+) /.exec(l)?.[1]));
  assert.ok(seqs.every(Number.isInteger), 'every followed line is whole');
  for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[0]! + i, `gap or repeat after line ${seqs[i - 1]}`);
  assert.ok(startFiles >= 2, `rotation happened (${startFiles} files)`);
});

test('an app that printed nothing has no capture file yet, and logs still knows it (an unknown name is still an error)', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const cfg = h.write('b.yml', 'apps:\n  - name: quiet\n    cmd: ["sleep", "1000"]\n');
  assert.equal((await h.run(['start', cfg])).code, 0);
  assert.deepEqual(readdirSync(join(h.home, 'logs')).filter((f) => f.startsWith('quiet.')), []);
  const r = await h.run(['logs', 'quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal((await h.run(['logs', 'nosuch'])).code, 1);
});
