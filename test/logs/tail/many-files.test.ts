// Issue 16: a 5,000-file glob held 5,031 descriptors and 49 % of a core while nothing was written.
// Idle files give their descriptor back (and are reopened by identity when they change), unchanged
// files are not read, and the fallback poll slows down while nothing changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TailSource } from '../../../src/logs/tail/index.js';
import { tempDir } from './helpers/harness.js';
import { waitFor } from '../../helpers/wait-for.js';

const FILES = 5_000;
const IDLE_CLOSE_MS = 1_000;
const IDLE_WINDOW_MS = 4_000;

test(`a ${FILES}-file glob holds few descriptors and little CPU while idle, and still sees a new line`, { timeout: 120_000 }, async (t) => {
  const { dir, cleanup } = tempDir('many');
  const logs = join(dir, 'logs');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(logs);
  for (let i = 0; i < FILES; i++) writeFileSync(join(logs, `f${i}.log`), `file ${i} first line\n`);
  const got: string[] = [];
  const source = new TailSource({
    app: 'many', patterns: ['logs/*.log'], cwd: dir, stateDir: join(dir, 'state'), idleCloseMs: IDLE_CLOSE_MS,
    onBatch: (b) => { got.push(...b.lines); b.written(); b.commit(); },
  });
  t.after(async () => { await source.stop(); cleanup(); });
  const t0 = performance.now();
  await source.start();
  t.diagnostic(`first pass over ${FILES} files: ${Math.round(performance.now() - t0)} ms`);
  assert.equal(got.length, FILES, 'every file read once');
  const fds = (): number => readdirSync('/proc/self/fd').length;
  const t1 = performance.now();
  await waitFor('idle files closed', () => source.stats().openFiles === 0, 20_000, 100);
  t.diagnostic(`all closed after ${Math.round(performance.now() - t1)} ms`);
  const before = process.cpuUsage();
  const started = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_WINDOW_MS)); // measuring idleness: nothing to wait for
  const used = process.cpuUsage(before);
  const cpu = (100 * (used.user + used.system)) / 1000 / (performance.now() - started);
  t.diagnostic(`${FILES} files idle: ${source.stats().openFiles} open, ${fds()} descriptors in the process, ${cpu.toFixed(1)} % of a core`);
  assert.ok(fds() < 200, `${fds()} descriptors`);
  assert.ok(cpu < 10, `${cpu.toFixed(1)} % of a core while idle`);
  appendFileSync(join(logs, 'f4321.log'), 'file 4321 second line\n');
  await waitFor('the new line of a closed file', () => got.includes('file 4321 second line'), 10_000);
  assert.equal(got.length, FILES + 1, 'nothing read twice');
});
