// Every real PM2 file of test/fixtures/third-party/pm2 through the real CLI and daemon, as a user
// migrating runs it: `bulwark start FILE` exits 0, every app of the file is in the table and
// running, with the command line the translation resolved (which pm2-real-files.test.ts compares
// with PM2's own view), in that cwd, with that env. A few daemons; the apps are deleted
// between files, as their names repeat (app, api, web). The workspaces have stub scripts, a stub
// package.json for `npm start` and stand-ins for bun, deno and yarn (test/helpers/pm2-workspace.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { loadConfigFile } from '../../src/config/load.js';
import type { AppStatus } from '../../src/supervisor/supervisor.js';
import { spawnCommandFor } from '../../src/supervisor/spawn-command.js';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { callerPlaceholders, caseKey, makeWorkspace, PM2_CASES, type Pm2Case } from '../helpers/pm2-workspace.js';

/** argv, cwd and env of a live process; null once it is gone. */
function proc(pid: number): { argv: string[]; cwd: string; env: Map<string, string> } | null {
  try {
    const split = (f: string) => readFileSync(`/proc/${pid}/${f}`, 'utf8').split('\0').slice(0, -1);
    const env = new Map(split('environ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    return { argv: split('cmdline'), cwd: readlinkSync(`/proc/${pid}/cwd`), env };
  } catch {
    return null;
  }
}

/** argv as spawned: a program that retitles itself (npm: process.title) is not compared, and a
 * shim that execs the real binary (pyenv's python3) counts by name. */
function sameCommand(argv: string[], want: string[]): boolean | 'retitled' {
  if (argv.some((a) => a === '') || /\s/.test(argv[0] ?? '')) return 'retitled';
  // A script with a shebang shows up as [interpreter, script, ...args].
  const a = argv.length === want.length + 1 ? argv.slice(1) : argv;
  return a.length === want.length && basename(a[0] ?? '') === basename(want[0] ?? '') && a.slice(1).every((x, i) => x === want[i + 1]);
}

const WORKERS = 4; // one daemon each; the files take turns, as their app names repeat

test('every real PM2 file starts with the real CLI and daemon; each app runs the resolved command, cwd and env', async (t) => {
  const problems: string[] = [];
  const counts = { started: 0, apps: 0, checked: 0, retitled: 0 };
  const queue = [...PM2_CASES];
  const worker = async () => {
    const h = new TestHome('bulwark-pm2-real-');
    t.after(() => h.cleanup());
    for (let c = queue.shift(); c !== undefined; c = queue.shift()) await startOne(h, c, problems, counts);
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  t.diagnostic(`real PM2 files: ${PM2_CASES.length}; bulwark start accepts ${counts.started}; ${counts.checked} of their ${counts.apps} apps running with the resolved cwd, env and command (${counts.retitled} retitle themselves: npm)`);
  assert.deepEqual(problems, []);
  assert.equal(counts.started, PM2_CASES.length);
});

async function startOne(h: TestHome, c: Pm2Case, problems: string[], counts: { started: number; apps: number; checked: number; retitled: number }): Promise<void> {
  const ws = makeWorkspace(c);
  try {
    const env = { PATH: ws.path };
    const r = await h.run(['start', ws.file, ...(c.env ? ['--env', c.env] : [])], { cwd: ws.runFrom, env });
    if (r.code !== 0) { problems.push(`${caseKey(c)}: start exited ${r.code}: ${r.stderr}`); return; }
    counts.started++;
    const { config } = await loadConfigFile(ws.file, { ...process.env, ...env }, { envName: c.env, cwd: ws.runFrom });
    const names = config.apps.map((a) => a.name).sort();
    const table = await waitFor(`${caseKey(c)}: its apps in the table`, async () => {
      const s = await h.json<AppStatus[]>(['status']);
      // One row per instance: an app with `instances` has several.
      return JSON.stringify([...new Set(s.map((a) => a.name))].sort()) === JSON.stringify(names) ? s : null;
    });
    counts.apps += config.apps.length;
    for (const app of config.apps) {
      const pid = table.find((s) => s.name === app.name && s.instance === 0)?.pid;
      const p = pid ? proc(pid) : null;
      if (!p) { problems.push(`${caseKey(c)} ${app.name}: not running (${JSON.stringify(table.find((s) => s.name === app.name))})`); continue; }
      counts.checked++;
      const cmd = spawnCommandFor(app, { ...process.env, ...env });
      const want = [cmd.file, ...cmd.args];
      const same = sameCommand(p.argv, want);
      if (same === 'retitled') counts.retitled++;
      else if (!same) problems.push(`${caseKey(c)} ${app.name}: runs ${JSON.stringify(p.argv)}, want ${JSON.stringify(want)}`);
      if (p.cwd !== app.cwd) problems.push(`${caseKey(c)} ${app.name}: cwd ${p.cwd}, want ${app.cwd}`);
      // The file ran in this process for `want` and in the CLI (PATH = the workspace's) for the app.
      for (const [k, v] of Object.entries({ ...cmd.env, ...app.env })) {
        const got = p.env.get(k);
        if (got === undefined || callerPlaceholders(got, { PATH: ws.path, HOME: process.env.HOME }) !== callerPlaceholders(v, process.env)) {
          problems.push(`${caseKey(c)} ${app.name}: env ${k}=${JSON.stringify(got)}, want ${JSON.stringify(v)}`);
        }
      }
    }
  } finally {
    await h.run(['delete', 'all']);
    ws.cleanup();
  }
}
