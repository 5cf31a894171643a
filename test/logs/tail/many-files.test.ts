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

// A thousand apps' capture files, a hundred of them written now and then: each write read from
// its own file, not by listing and stat'ing every file (a full pass: ~20 ms at 2,000 files, so
// 10 lines a second across the apps cost 21 % of a core before).
test('a line written to one of 2,000 followed files is read without a pass over all of them', { timeout: 120_000 }, async (t) => {
  const { dir, cleanup } = tempDir('chatty');
  const logs = join(dir, 'logs');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(logs);
  for (let i = 0; i < 2_000; i++) writeFileSync(join(logs, `s${i}.out.log`), `app ${i} started\n`);
  const got: string[] = [];
  const source = new TailSource({
    app: 'captured', patterns: ['logs/*.log*'], cwd: dir, stateDir: join(dir, 'state'), pollMs: 3_600_000,
    onBatch: (b) => { got.push(...b.lines); b.written(); b.commit(); },
  });
  t.after(async () => { await source.stop(); cleanup(); });
  await source.start();
  assert.equal(got.length, 2_000);
  const before = source.stats();
  for (let i = 0; i < 100; i++) {
    const line = `app ${i * 7} GET /item/${i} 200`;
    appendFileSync(join(logs, `s${i * 7}.out.log`), `${line}\n`);
    await waitFor(`line ${i}`, () => got.at(-1) === line, 10_000);
  }
  const after = source.stats();
  t.diagnostic(`passes for 100 lines: ${after.fullPasses - before.fullPasses} full, ${after.lightPasses - before.lightPasses} light`);
  assert.equal(got.length, 2_100, 'a line lost or read twice');
  assert.equal(after.fullPasses - before.fullPasses, 0, 'writes to followed files made full passes');
  assert.ok(after.lightPasses - before.lightPasses >= 100, 'not every line came by its own light pass');

  // A new file is not followed yet: its event makes a full pass, which finds it.
  writeFileSync(join(logs, 's2000.out.log'), 'app 2000 started\n');
  await waitFor('the new file', () => got.at(-1) === 'app 2000 started', 10_000);
  assert.ok(source.stats().fullPasses > after.fullPasses);
});
