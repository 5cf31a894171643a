import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TailSource, type TailBatch, type TailSourceOptions } from '../../../src/logs/tail/index.js';
import { tempDir } from './helpers/harness.js';
import { waitFor } from '../../helpers/wait-for.js';

function collect(t: import('node:test').TestContext, dir: string, patterns: string[], extra: Partial<TailSourceOptions> = {}) {
  const got: { path: string; line: string }[] = [];
  const source = new TailSource({
    app: 'disc', patterns, cwd: dir, stateDir: join(dir, 'state'), pollMs: 100,
    onBatch(b: TailBatch) { for (const line of b.lines) got.push({ path: b.path, line }); b.commit(); },
    ...extra,
  });
  t.after(() => source.stop());
  return { source, got, lines: () => got.map((g) => g.line) };
}

test('a file that does not exist when watching begins is picked up, and so are its later appends', async (t) => {
  const tmp = tempDir('late');
  t.after(tmp.cleanup);
  const c = collect(t, tmp.dir, ['late.log']);
  await c.source.start();
  writeFileSync(join(tmp.dir, 'late.log'), 'one\n');
  await waitFor('the first line', () => c.got.length === 1, 5000);
  appendFileSync(join(tmp.dir, 'late.log'), 'two\nthree\n');
  await waitFor('the appended lines', () => c.got.length === 3, 5000);
  assert.deepEqual(c.lines(), ['one', 'two', 'three']);
  assert.equal(c.got[0]!.path, join(tmp.dir, 'late.log'));
});

test('globs pick up new matching files, also in directories created later and under **; others are ignored', async (t) => {
  const tmp = tempDir('glob');
  t.after(tmp.cleanup);
  mkdirSync(join(tmp.dir, 'logs'));
  const c = collect(t, tmp.dir, ['logs/*.log', 'later/sub/*.log', 'deep/**/*.log']);
  await c.source.start();
  writeFileSync(join(tmp.dir, 'logs', 'a.log'), 'a1\n');
  writeFileSync(join(tmp.dir, 'logs', 'notes.txt'), 'ignored\n');
  writeFileSync(join(tmp.dir, 'logs', '.hidden.log'), 'ignored\n');
  mkdirSync(join(tmp.dir, 'later', 'sub'), { recursive: true });
  writeFileSync(join(tmp.dir, 'later', 'sub', 'b.log'), 'b1\n');
  mkdirSync(join(tmp.dir, 'deep', 'x', 'y'), { recursive: true });
  writeFileSync(join(tmp.dir, 'deep', 'top.log'), 'd0\n');
  writeFileSync(join(tmp.dir, 'deep', 'x', 'y', 'c.log'), 'd2\n');
  await waitFor('four files', () => c.got.length >= 4, 5000);
  appendFileSync(join(tmp.dir, 'logs', 'b2.log'), 'a2\n');
  appendFileSync(join(tmp.dir, 'later', 'sub', 'b.log'), 'b2\n');
  await waitFor('six lines', () => c.got.length >= 6, 5000);
  await new Promise((r) => setTimeout(r, 250));
  assert.deepEqual(c.lines().sort(), ['a1', 'a2', 'b1', 'b2', 'd0', 'd2']);
});

test('files present at the first start are read from their start by default, from their end with startAt "end"', async (t) => {
  const tmp = tempDir('startat');
  t.after(tmp.cleanup);
  writeFileSync(join(tmp.dir, 'a.log'), 'old1\nold2\npart');
  const fromStart = collect(t, tmp.dir, ['a.log'], { stateDir: join(tmp.dir, 's1') });
  const fromEnd = collect(t, tmp.dir, ['a.log'], { stateDir: join(tmp.dir, 's2'), startAt: 'end' });
  await fromStart.source.start();
  await fromEnd.source.start();
  appendFileSync(join(tmp.dir, 'a.log'), 'ial\nnew\n');
  await waitFor('the new lines', () => fromStart.got.length === 4 && fromEnd.got.length === 2, 5000);
  assert.deepEqual(fromStart.lines(), ['old1', 'old2', 'partial', 'new']);
  assert.deepEqual(fromEnd.lines(), ['partial', 'new']);
});

test('CRLF is stripped, a line over maxLine is cut with a marker and counted, and reading goes on', async (t) => {
  const tmp = tempDir('long');
  t.after(tmp.cleanup);
  const c = collect(t, tmp.dir, ['x.log']);
  await c.source.start();
  writeFileSync(join(tmp.dir, 'x.log'), `crlf\r\n${'A'.repeat(200_000)}\nafter\n`);
  await waitFor('three lines', () => c.got.length === 3, 5000);
  const [crlf, long, after] = c.lines();
  assert.equal(crlf, 'crlf');
  assert.ok(long!.startsWith('A'.repeat(65536)) && long!.endsWith('[bulwark: line truncated]'));
  assert.equal(after, 'after');
  assert.equal(c.source.stats().truncated, 1);
});

test('when onBatch rejects, the same lines are offered again and nothing further is read meanwhile', async (t) => {
  const tmp = tempDir('reject');
  t.after(tmp.cleanup);
  const offered: string[][] = [];
  const errors: string[] = [];
  const source = new TailSource({
    app: 'rej', patterns: ['r.log'], cwd: tmp.dir, stateDir: join(tmp.dir, 'state'), pollMs: 50,
    onError: (e) => errors.push(e.code),
    async onBatch(b) {
      offered.push(b.lines);
      if (offered.length === 1) throw new Error('sink down');
      b.commit();
    },
  });
  t.after(() => source.stop());
  writeFileSync(join(tmp.dir, 'r.log'), 'l1\nl2\n');
  await source.start();
  await waitFor('a second offer', () => offered.length >= 2, 5000);
  assert.deepEqual(offered[0], ['l1', 'l2']);
  assert.deepEqual(offered[1], ['l1', 'l2']);
  assert.deepEqual(errors, ['ETAIL_CONSUMER']);
});

test('bad options are rejected at the edge with a code', () => {
  const base = { app: 'ok', patterns: ['x.log'], cwd: '/tmp', stateDir: '/tmp/never-used-bulwark-state', onBatch: () => {} };
  assert.throws(() => new TailSource({ ...base, app: 'bad name' }), { code: 'ETAIL_OPTIONS' });
  assert.throws(() => new TailSource({ ...base, patterns: [] }), { code: 'ETAIL_OPTIONS' });
  assert.throws(() => new TailSource({ ...base, patterns: ['logs/**'] }), { code: 'ETAIL_OPTIONS' });
  assert.throws(() => new TailSource({ ...base, pollMs: 0 }), { code: 'ETAIL_OPTIONS' });
});
