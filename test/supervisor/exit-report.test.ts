import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StderrTail, summarizeStderr } from '../../src/supervisor/exit-report.js';

/** The stderr a real crash of `source` prints (run by `cmd`), split into lines. */
function crashOutput(t: { after(fn: () => void): void }, name: string, source: string, cmd = process.execPath): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-exit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  writeFileSync(file, source);
  const r = spawnSync(cmd, [file], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  return r.stderr.split('\n');
}

test('a Node crash is summed up by its error line and the frame that threw, not by the error\'s properties or the version banner', (t) => {
  const lines = crashOutput(t, 'server.cjs', "const e = new Error('listen EADDRINUSE: address already in use :::3000');\nObject.assign(e, { code: 'EADDRINUSE', port: 3000 });\nthrow e;\n");
  assert.equal(lines.filter(Boolean).at(-1)!.startsWith('Node.js v'), true, 'the raw output ends with the banner');
  const summary = summarizeStderr(lines);
  assert.equal(summary[0], 'Error: listen EADDRINUSE: address already in use :::3000');
  assert.match(summary[1]!, /^\s+at .*server\.cjs:1:\d+\)?$/);
  assert.equal(summary.length, 2);
});

test('a SyntaxError points at the file and line (its frames are all Node\'s own)', (t) => {
  const summary = summarizeStderr(crashOutput(t, 'bad.cjs', 'this is bad\n'));
  assert.match(summary[0]!, /^SyntaxError: Unexpected identifier/);
  assert.match(summary[1]!, /at \S+bad\.cjs:1$/);
});

test('a Python traceback gives the frame and the exception line', { skip: spawnSync('python3', ['-V']).status === 0 ? false : 'no python3' }, (t) => {
  const summary = summarizeStderr(crashOutput(t, 'app.py', 'print("starting")\nraise ValueError("bad config value")\n', 'python3'));
  assert.match(summary[0]!, /File ".*app\.py", line 2/);
  assert.equal(summary.at(-1), 'ValueError: bad config value');
});

test('without an error line, the last lines that say something; the tail keeps only the last bytes', () => {
  assert.deepEqual(summarizeStderr(['starting', 'config /etc/app.conf: permission denied', '}', '', 'Node.js v20.20.2']), ['starting', 'config /etc/app.conf: permission denied']);
  assert.deepEqual(summarizeStderr(['Error: old problem', 'retrying', 'TypeError: x is not a function', '    at run (/srv/a.js:3:5)']), ['TypeError: x is not a function', '    at run (/srv/a.js:3:5)']);
  const tail = new StderrTail();
  for (let i = 0; i < 5000; i++) tail.push(Buffer.from(`noise line ${i}\n`));
  tail.push(Buffer.from('Error: the end\n'));
  const lines = tail.lines();
  assert.ok(lines.join('\n').length < 20 * 1024, 'bounded');
  assert.match(lines[0]!, /^noise line \d+$/, 'the line the byte bound cut is dropped');
  assert.deepEqual(summarizeStderr(lines), ['Error: the end']);
});
