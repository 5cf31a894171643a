// Every real PM2 file of test/fixtures/third-party/pm2 through the real CLI and daemon, as a user
// migrating runs it: `bulwark start FILE` exits 0, every app of the file is in the table, and each
// app that stays up runs the command line the translation resolved (which pm2-real-files.test.ts
// compares with PM2's own view), in that cwd, with that env. One daemon; the apps are deleted
// between files, as their names repeat (app, api, web). Apps whose program needs what a stub
// workspace lacks (`npm start` without a package.json) exit, and are only counted as started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync } from 'node:fs';
import { loadConfigFile } from '../../src/config/load.js';
import type { AppStatus } from '../../src/supervisor/supervisor.js';
import { spawnCommandFor } from '../../src/supervisor/spawn-command.js';
import { TestHome, waitFor } from '../helpers/bulwark-cli.js';
import { caseKey, makeWorkspace, PM2_CASES } from '../helpers/pm2-workspace.js';

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

test('every real PM2 file starts with the real CLI and daemon; each app that stays up runs the resolved command, cwd and env', async (t) => {
  const h = new TestHome('bulwark-pm2-real-');
  t.after(() => h.cleanup());
  const problems: string[] = [];
  let started = 0;
  let checked = 0;
  for (const c of PM2_CASES) {
    const ws = makeWorkspace(c);
    try {
      const env = { PATH: ws.path };
      const r = await h.run(['start', ws.file, ...(c.env ? ['--env', c.env] : [])], { cwd: ws.runFrom, env });
      if (r.code !== 0) { problems.push(`${caseKey(c)}: start exited ${r.code}: ${r.stderr}`); continue; }
      started++;
      const { config } = await loadConfigFile(ws.file, { ...process.env, ...env }, { envName: c.env, cwd: ws.runFrom });
      const names = config.apps.map((a) => a.name).sort();
      const table = await waitFor(`${caseKey(c)}: its apps in the table`, async () => {
        const s = await h.json<AppStatus[]>(['status']);
        return JSON.stringify(s.map((a) => a.name).sort()) === JSON.stringify(names) ? s : null;
      });
      for (const app of config.apps) {
        const pid = table.find((s) => s.name === app.name)?.pid;
        const p = pid ? proc(pid) : null;
        if (!p) continue; // exited (or restarting): nothing running to compare
        checked++;
        const cmd = spawnCommandFor(app, { ...process.env, ...env });
        const want = [cmd.file, ...cmd.args];
        // A script with a shebang shows up as [interpreter, script, ...args].
        const argv = p.argv.length === want.length + 1 ? p.argv.slice(1) : p.argv;
        if (JSON.stringify(argv) !== JSON.stringify(want)) problems.push(`${caseKey(c)} ${app.name}: runs ${JSON.stringify(p.argv)}, want ${JSON.stringify(want)}`);
        if (p.cwd !== app.cwd) problems.push(`${caseKey(c)} ${app.name}: cwd ${p.cwd}, want ${app.cwd}`);
        for (const [k, v] of Object.entries({ ...cmd.env, ...app.env })) {
          if (p.env.get(k) !== v) problems.push(`${caseKey(c)} ${app.name}: env ${k}=${JSON.stringify(p.env.get(k))}, want ${JSON.stringify(v)}`);
        }
      }
    } finally {
      await h.run(['delete', 'all']);
      ws.cleanup();
    }
  }
  t.diagnostic(`real PM2 files: ${PM2_CASES.length}; bulwark start accepts ${started}; ${checked} running apps checked against the resolved command, cwd and env`);
  assert.deepEqual(problems, []);
  assert.equal(started, PM2_CASES.length);
});
