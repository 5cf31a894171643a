// `start` boots a daemon that has to be started while it reads and checks the file (the daemon's
// code loads meanwhile, ~0.3 s), and tells it to start only once the file is good: a bad file, or
// a CLI that dies, leaves no daemon, no home and no event behind (daemon-launcher.ts).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { test } from 'node:test';
import { BIN, TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

/** Pids of the daemons booted early for this home (`daemon --foreground --await-go`). */
function earlyDaemons(home: string): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return argv.includes('--await-go') && readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`BULWARK_HOME=${home}`);
    } catch {
      return false; // gone meanwhile
    }
  });
}

/** An ecosystem file whose loading takes `ms` (the CLI runs it), so the test can look meanwhile. */
function slowEcosystem(h: TestHome, ms: number, app: string): string {
  return h.write('ecosystem.config.js', `Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});\n` +
    `module.exports = { apps: [${app}] };\n`);
}

test('the daemon boots while `start` reads the file, touching nothing, and is the one that starts', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const file = slowEcosystem(h, 1500, `{ name: 'web', script: 'sleep', args: '1000', interpreter: 'none' }`);
  const started = h.run(['start', file]);
  const [early] = await waitFor('a daemon booting while the file loads', () => earlyDaemons(h.home).length === 1 && earlyDaemons(h.home), 10_000);
  assert.equal(existsSync(h.home), false, 'the home is made only once the file is good');
  const stdin = readlinkSync(`/proc/${early}/fd/0`); // the CLI's end of it, a socket
  const r = await started;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(h.daemonPid(), early, 'the daemon booted early is the daemon');
  // Its stdin stays open once told: nothing it opens later becomes its fd 0.
  assert.equal(readlinkSync(`/proc/${early}/fd/0`), stdin);
  const [web] = await h.json<{ name: string; state: string }[]>(['status']);
  assert.equal(web?.state, 'online');
});

test('a bad file, or a CLI killed while it reads the file, leaves no daemon, no home', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const bad = h.write('bad.yml', 'apps:\n  - name: x\n    cmd: ["sleep", "1000"]\n    bogus: 1\n');
  const r = await h.run(['start', bad]);
  assert.equal(r.code, 78, r.stderr);
  await waitFor('the early daemon gone after the config error', () => earlyDaemons(h.home).length === 0, 10_000);

  const file = slowEcosystem(h, 3000, `{ name: 'web', script: 'sleep', args: '1000', interpreter: 'none' }`);
  const cli = spawn(process.execPath, [BIN, 'start', file], { env: h.env(), stdio: 'ignore' });
  await waitFor('a daemon booting while the file loads', () => earlyDaemons(h.home).length === 1, 10_000);
  cli.kill('SIGKILL');
  await waitFor('the early daemon gone with its CLI', () => earlyDaemons(h.home).length === 0, 10_000);
  assert.equal(existsSync(h.home), false, 'nothing was made');
});
