// Interpreters by extension (issue 10.8), end to end: `bulwark start FILE` runs .js/.mjs under node,
// .py under python3, .sh under bash and .ts under node with the app's own tsx, as the running
// process's command line shows; `--interpreter` chooses; a .ts app without tsx and a script that is
// neither known by extension nor executable are refused (exit 78, with the hint) and leave nothing
// in the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const TSX = resolve(import.meta.dirname, '../../node_modules/tsx');

interface AppStatus { name: string; state: string; pid: number | null }

/** argv of a running process, from /proc. */
function cmdline(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

async function online(h: TestHome, name: string): Promise<string[]> {
  const app = await waitFor(`${name} online`, async () => {
    const s = (await h.json<AppStatus[]>(['status'])).find((a) => a.name === name);
    return s?.state === 'online' && s.pid !== null ? s : undefined;
  }, 30_000);
  return cmdline(app.pid!);
}

test('start runs a script by its extension: .js and .mjs under node, .py under python3, .sh under bash, .ts under node with the app\'s tsx', async (t) => {
  const h = new TestHome('bulwark-interp-');
  t.after(() => h.cleanup());
  const idleJs = 'setInterval(() => {}, 60_000);\n';
  const files: Record<string, string> = {
    'app.js': idleJs,
    'app.mjs': `await Promise.resolve();\n${idleJs}`,
    'app.py': 'import time\nwhile True:\n    time.sleep(60)\n',
    'app.sh': 'while true; do sleep 60; done\n',
  };
  for (const [name, text] of Object.entries(files)) h.write(name, text); // not executable: the extension decides
  // A TypeScript app with tsx installed in its own node_modules.
  const tsApp = join(h.dir, 'tsapp');
  mkdirSync(join(tsApp, 'node_modules'), { recursive: true });
  symlinkSync(TSX, join(tsApp, 'node_modules', 'tsx'));
  writeFileSync(join(tsApp, 'main.ts'), 'const every: number = 60_000;\nsetInterval((): void => {}, every);\n');

  for (const name of Object.keys(files)) {
    const r = await h.run(['start', name, '--name', name.replace('.', '-')]);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
  }
  const ts = await h.run(['start', join(tsApp, 'main.ts'), '--name', 'app-ts'], { cwd: tsApp });
  assert.equal(ts.code, 0, ts.stderr);

  const node = process.execPath;
  assert.deepEqual(await online(h, 'app-js'), [node, join(h.dir, 'app.js')]);
  assert.deepEqual(await online(h, 'app-mjs'), [node, join(h.dir, 'app.mjs')]);
  const py = await online(h, 'app-py');
  assert.match(basename(py[0]!), /^python3/, py.join(' '));
  assert.equal(py.at(-1), join(h.dir, 'app.py'));
  const sh = await online(h, 'app-sh');
  assert.equal(basename(sh[0]!), 'bash');
  assert.equal(sh.at(-1), join(h.dir, 'app.sh'));
  const tsArgv = await online(h, 'app-ts');
  assert.equal(tsArgv[0], node);
  assert.deepEqual(tsArgv.slice(1, 3), ['--import', `file://${join(tsApp, 'node_modules', 'tsx', 'dist', 'loader.mjs')}`]);
  assert.equal(tsArgv.at(-1), join(tsApp, 'main.ts'));
});

test('--interpreter chooses what runs the script, whatever its name', async (t) => {
  const h = new TestHome('bulwark-interp-');
  t.after(() => h.cleanup());
  h.write('job', 'import time\nwhile True:\n    time.sleep(60)\n'); // python without an extension, not executable
  h.write('task.txt', 'while true; do sleep 60; done\n');
  assert.equal((await h.run(['start', 'job', '--interpreter', 'python3'])).code, 0);
  assert.equal((await h.run(['start', 'task.txt', '--name', 'task', '--interpreter', 'bash'])).code, 0);
  const job = await online(h, 'job');
  assert.match(basename(job[0]!), /^python3/);
  assert.equal(job.at(-1), join(h.dir, 'job'));
  const task = await online(h, 'task');
  assert.equal(basename(task[0]!), 'bash');
  assert.equal(task.at(-1), join(h.dir, 'task.txt'));
});

test('a script that is neither known by extension nor executable, and a .ts app without tsx, are refused with exit 78 and a hint, and nothing is left in the table', async (t) => {
  const h = new TestHome('bulwark-interp-');
  t.after(() => h.cleanup());
  // One app runs, so the daemon is up and its table can be inspected.
  h.write('ok.js', 'setInterval(() => {}, 60_000);\n');
  assert.equal((await h.run(['start', 'ok.js'])).code, 0);
  await online(h, 'ok');

  const tool = h.write('tool', '#!/bin/sh\nsleep 60\n');
  const r = await h.run(['start', 'tool']);
  assert.equal(r.code, 78, r.stderr);
  assert.match(r.stderr, /tool is not executable and has no known extension/);
  assert.match(r.stderr, new RegExp(`hint: chmod \\+x ${tool}`));

  mkdirSync(join(h.dir, 'bare'));
  const ts = h.write('bare/main.ts', 'const n: number = 1;\n');
  const noTsx = await h.run(['start', ts], { cwd: join(h.dir, 'bare') });
  assert.equal(noTsx.code, 78, noTsx.stderr);
  assert.match(noTsx.stderr, /main\.ts is TypeScript and tsx is not installed in the app/);
  assert.match(noTsx.stderr, /hint: npm install --save-dev tsx in the app/);

  assert.deepEqual((await h.json<AppStatus[]>(['status'])).map((a) => a.name), ['ok']);

  // Once executable, the same script starts (PM2 runs such files itself, too).
  chmodSync(tool, 0o755);
  assert.equal((await h.run(['start', 'tool'])).code, 0);
  assert.deepEqual(await online(h, 'tool'), ['/bin/sh', tool]); // the kernel runs its #! line
});
