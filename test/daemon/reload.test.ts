// SIGHUP reloads the configuration (issue 16): the daemon reads the files it was started with again
// and applies them as `bulwark start FILE` would, instead of shutting down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestHome, isAlive } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';

interface Status { name: string; pid: number | null; state: string }

function config(h: TestHome, apps: { name: string; value: string }[]): string {
  const lines = ['apps:'];
  for (const a of apps) {
    const script = `require('fs').writeFileSync(${JSON.stringify(join(h.dir, `${a.name}.value`))}, process.env.VALUE);setInterval(()=>{},1000)`;
    lines.push(`  - name: ${a.name}`, `    cmd: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(script)}]`, `    env: { VALUE: "${a.value}" }`);
  }
  return h.write('apps.yml', `${lines.join('\n')}\n`);
}

async function daemonEvents(h: TestHome): Promise<{ kind: string; message: string }[]> {
  const r = await h.run(['events', '--type', 'daemon', '--json', '-n', '100']);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string; message: string });
}

test('SIGHUP reads the started file again: changed apps restart with the new config, new apps start, deleted apps stay deleted, the daemon stays up', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const file = config(h, [{ name: 'api', value: 'one' }]);
  assert.equal((await h.run(['start', file])).code, 0);
  await waitFor('api ran', () => existsSync(join(h.dir, 'api.value')));
  const pid = h.daemonPid()!;

  config(h, [{ name: 'api', value: 'two' }, { name: 'worker', value: 'w' }]);
  process.kill(pid, 'SIGHUP');
  await waitFor('api runs with the new env and worker started', () =>
    readFileSync(join(h.dir, 'api.value'), 'utf8') === 'two' && existsSync(join(h.dir, 'worker.value')));
  assert.ok(isAlive(pid), 'the daemon is still running');
  const names = (await h.json<Status[]>(['status'])).map((s) => s.name).sort();
  assert.deepEqual(names, ['api', 'worker']);
  assert.ok((await daemonEvents(h)).some((e) => e.kind === 'reload' && e.message.includes(file)));

  assert.equal((await h.run(['delete', 'worker'])).code, 0);
  process.kill(pid, 'SIGHUP');
  await waitFor('the second reload', async () => (await daemonEvents(h)).filter((e) => e.kind === 'reload').length >= 2);
  assert.deepEqual((await h.json<Status[]>(['status'])).map((s) => s.name), ['api'], 'a deleted app is not brought back');
});

test('a reload that fails (bad YAML, a file someone else owns) is an event; the apps and the daemon carry on', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const file = config(h, [{ name: 'api', value: 'one' }]);
  assert.equal((await h.run(['start', file])).code, 0);
  const pid = h.daemonPid()!;
  const before = (await h.json<Status[]>(['status']))[0]!.pid;

  writeFileSync(file, 'apps:\n  - name: api\n    cmd: [unterminated\n');
  process.kill(pid, 'SIGHUP');
  const failed = await waitFor('reload-failed', async () => (await daemonEvents(h)).find((e) => e.kind === 'reload-failed'));
  assert.match(failed.message, /apps\.yml/);
  if (process.geteuid?.() === 0) {
    config(h, [{ name: 'api', value: 'two' }]);
    chownSync(file, 65534, 65534);
    process.kill(pid, 'SIGHUP');
    await waitFor('the second refusal', async () => (await daemonEvents(h)).some((e) => e.kind === 'reload-failed' && /owned by uid 65534/.test(e.message)));
  }
  assert.ok(isAlive(pid));
  const after = await h.json<Status[]>(['status']);
  assert.equal(after[0]!.pid, before, 'the app was left alone');
  assert.equal(after[0]!.state, 'online');
});
