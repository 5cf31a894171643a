// Cluster mode through the real CLI and daemon: `instances: 2` of a plain HTTP app and a Python
// server on LISTEN_FDS, `bulwark reload` and `bulwark scale` under a steady request load, a broken
// new version, a SIGKILLed instance, and a SIGKILLed daemon (docs/cluster.md).
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { httpLoad, waitForAnswer, type Load, type LoadResult } from '../../bench/http-load.js';
import { isAlive, TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { httpUrl } from '../helpers/http-daemon.js';
import { freePort } from '../helpers/free-port.js';

const APPS = resolve(import.meta.dirname, '../helpers/apps');
/** Generous: a busy shared machine can take seconds to boot Node. */
const READY = '30s';

interface Row { name: string; instance: number; pid: number | null; state: string }

/** A copy of the plain web app (so a test can break it on disk) with `instances: 2` on `port`. */
function webConfig(h: TestHome, port: number, extra = ''): { config: string; script: string } {
  const script = join(h.dir, 'web.mjs');
  copyFileSync(join(APPS, 'web.mjs'), script);
  const config = h.write('bulwark.yml', `apps:\n  - name: web\n    script: ${JSON.stringify(script)}\n    instances: 2\n    listen_timeout: ${READY}\n    env: { PORT: "${port}" }\n${extra}`);
  return { config, script };
}

async function rows(h: TestHome, name: string): Promise<Row[]> {
  return (await h.json<Row[]>(['status'])).filter((r) => r.name === name);
}

async function online(h: TestHome, name: string, n: number): Promise<Row[]> {
  return waitFor(`${n} ${name} instances online`, async () => {
    const r = await rows(h, name);
    return r.length === n && r.every((x) => x.state === 'online' && x.pid !== null) ? r : null;
  }, 60_000);
}

/** A steady load that stops with the test, whatever happens (a failed test must not leave it spinning). */
function steadyLoad(t: TestContext, port: number): Load {
  const load = httpLoad(port, { concurrency: 4 });
  t.after(() => load.stop());
  return load;
}

function noFailures(r: LoadResult): void {
  assert.equal(r.failed, 0, `${r.failed} of ${r.ok + r.failed} requests failed: ${JSON.stringify(r.errors)}`);
}

test('two `bulwark reload`s of instances: 2 under a request loop: 0 failed requests, new pids serving, one status row per instance', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const port = await freePort();
  const { config } = webConfig(h, port);
  const started = await h.run(['start', config]);
  assert.equal(started.code, 0, started.stderr);
  const first = await online(h, 'web', 2);
  assert.deepEqual(first.map((r) => r.instance), [0, 1]);
  await waitForAnswer(port);
  const load = steadyLoad(t, port);
  let pids = first.map((r) => r.pid!);
  for (const round of [1, 2]) {
    const r = await h.run(['reload', 'web']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /reloaded web: 2 instances replaced one at a time/);
    const now = (await online(h, 'web', 2)).map((x) => x.pid!);
    assert.ok(now.every((p) => !pids.includes(p)), `round ${round}: new pids ${now} vs ${pids}`);
    for (const p of pids) await waitFor(`old pid ${p} gone`, () => !isAlive(p));
    pids = now;
  }
  const seen = load.snapshot().ok;
  await waitFor('requests answered after the second reload', () => load.snapshot().ok > seen + 20);
  const r = await load.stop();
  noFailures(r);
  for (const p of pids) assert.ok((r.byPid.get(String(p)) ?? 0) > 0, `new pid ${p} answered`);
  const events = await h.run(['events', '--type', 'reload', '--json']);
  assert.equal(events.stdout.trim().split('\n').length, 2, events.stdout);
});

test('a broken new version makes `bulwark reload` exit 1 with the old instances still serving', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const port = await freePort();
  const { config, script } = webConfig(h, port);
  assert.equal((await h.run(['start', config])).code, 0);
  const old = (await online(h, 'web', 2)).map((r) => String(r.pid));
  // Both old processes have read the script before it changes on disk.
  for (const f of ['web.out.log', 'web@1.out.log']) {
    await waitFor(`${f} says listening`, () => existsSync(join(h.home, 'logs', f)) && readFileSync(join(h.home, 'logs', f), 'utf8').includes('listening on'), 30_000);
  }
  writeFileSync(script, "throw new Error('broken build: cannot start');\n");
  const load = steadyLoad(t, port);
  const r = await h.run(['reload', 'web']);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /reload of web stopped at instance 0: the new instance \(pid \d+\) exited \(code 1\) before it was ready/);
  const seen = load.snapshot().ok;
  await waitFor('answers after the failed reload', () => load.snapshot().ok > seen + 20);
  const answered = await load.stop();
  noFailures(answered);
  assert.deepEqual([...answered.byPid.keys()].sort(), [...old].sort(), 'only the old instances answer');
  assert.deepEqual((await online(h, 'web', 2)).map((x) => String(x.pid)), old);
  const failed = await h.run(['events', '--type', 'reload-failed', '--json']);
  assert.match(failed.stdout, /"instance":0/);
});

test('`bulwark scale` 2 -> 4 -> 1 under load with 0 failed requests; a SIGKILLed instance is restarted while the others serve', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const port = await freePort();
  const { config } = webConfig(h, port);
  assert.equal((await h.run(['start', config])).code, 0);
  await online(h, 'web', 2);
  await waitForAnswer(port);
  const load = steadyLoad(t, port);
  const up = await h.run(['scale', 'web', '4']);
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.stdout, /scaled web from 2 to 4 instances/);
  const four = await online(h, 'web', 4);
  await waitFor('all 4 answer', () => four.every((r) => load.snapshot().byPid.has(String(r.pid))), 30_000);
  noFailures(await load.stop());
  // One instance SIGKILLed: the supervisor restarts it; the port keeps answering through the others
  // (only requests that instance held can fail: a SIGKILL gives it no chance to finish them).
  const victim = four[1]!;
  const during = steadyLoad(t, port);
  process.kill(victim.pid!, 'SIGKILL');
  await waitFor('instance 1 back with a new pid', async () => {
    const r = (await rows(h, 'web')).find((x) => x.instance === 1);
    return r?.state === 'online' && r.pid !== victim.pid;
  }, 60_000);
  const killed = await during.stop();
  assert.ok(killed.ok > 0 && killed.failed <= 4, JSON.stringify(killed.errors));
  assert.ok([...killed.byPid.keys()].some((p) => p !== String(victim.pid)), 'the others answered meanwhile');
  const downLoad = steadyLoad(t, port);
  const down = await h.run(['scale', 'web', '1']);
  assert.equal(down.code, 0, down.stderr);
  const one = await online(h, 'web', 1);
  const seen = downLoad.snapshot().ok;
  await waitFor('answers after scaling down', () => downLoad.snapshot().ok > seen + 20);
  noFailures(await downLoad.stop());
  assert.equal(one[0]!.instance, 0);
  for (const x of four.slice(2)) await waitFor(`instance ${x.instance} (pid ${x.pid}) gone`, () => !isAlive(x.pid!));
});

test('a Python server on LISTEN_FDS keeps its port across `bulwark reload`; after a daemon SIGKILL no instance or socket is left, and the next daemon serves the same ports', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const webPort = await freePort();
  const pyPort = await freePort();
  const { config } = webConfig(h, webPort,
    `  - name: py\n    cmd: ["python3", ${JSON.stringify(join(APPS, 'fd-server.py'))}]\n    instances: 2\n    listen: [${pyPort}]\n    listen_timeout: ${READY}\n`);
  assert.equal((await h.run(['start', config])).code, 0);
  const py = (await online(h, 'py', 2)).map((r) => r.pid!);
  await waitForAnswer(pyPort);
  const load = steadyLoad(t, pyPort);
  const reloaded = await h.run(['reload', 'py']);
  assert.equal(reloaded.code, 0, reloaded.stderr);
  assert.match(reloaded.stdout, /reloaded py: 2 instances replaced one at a time/);
  const pyNew = (await online(h, 'py', 2)).map((r) => r.pid!);
  const seen = load.snapshot().ok;
  await waitFor('answers after the reload', () => load.snapshot().ok > seen + 20);
  noFailures(await load.stop());
  assert.ok(pyNew.every((p) => !py.includes(p)));

  const before = [...pyNew, ...(await online(h, 'web', 2)).map((r) => r.pid!)];
  const daemon = h.daemonPid()!;
  process.kill(daemon, 'SIGKILL');
  await waitFor('daemon gone', () => !isAlive(daemon));
  // Nothing waits for the next daemon: cluster workers exit with their IPC channel, LISTEN_FDS
  // instances on their parent-death signal, and the ports are free.
  await waitFor('every old instance ended', () => before.every((p) => !isAlive(p)), 30_000);
  await Promise.all([webPort, pyPort].map((p) => waitFor(`port ${p} refuses`, () => waitForAnswer(p, 0).then(() => false, () => true))));
  assert.equal((await h.run(['daemon'])).code, 0);
  const after = [...await online(h, 'py', 2), ...await online(h, 'web', 2)].map((r) => r.pid!);
  assert.ok(after.every((p) => !before.includes(p)), 'new processes');
  const pyAnswer = await waitForAnswer(pyPort);
  assert.ok(after.includes(Number(pyAnswer.split(' ')[0])), pyAnswer);
  const webAnswer = await waitForAnswer(webPort);
  assert.ok(after.includes(Number(webAnswer.split(' ')[0])), webAnswer);
});

test('/metrics has one health-probe series per instance: two instances with an http probe are two series, no duplicate', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const port = await freePort();
  const { config } = webConfig(h, port, `http:\n  listen: 127.0.0.1:0\n`);
  // The probe goes in the app: a GET of the shared port (any instance may answer it).
  const text = readFileSync(config, 'utf8').replace('    instances: 2\n', `    instances: 2\n    health: { http: { url: "http://127.0.0.1:${port}/", interval: 200ms, timeout: 5s } }\n`);
  writeFileSync(config, text);
  assert.equal((await h.run(['start', config])).code, 0);
  await online(h, 'web', 2);
  const url = await httpUrl(h);
  const series = await waitFor('a probe series for both instances', async () => {
    const body = await (await fetch(`${url}/metrics`)).text();
    const lines = body.split('\n').filter((l) => l.startsWith('bulwark_app_health_check_up{'));
    return lines.some((l) => l.includes('instance="0"')) && lines.some((l) => l.includes('instance="1"')) ? lines : null;
  }, 30_000, 200);
  const labels = series.map((l) => l.slice(0, l.lastIndexOf('}') + 1));
  assert.equal(new Set(labels).size, labels.length, series.join('\n'));
  assert.equal(labels.filter((l) => l.includes('app="web"')).length, 2, series.join('\n'));
});
