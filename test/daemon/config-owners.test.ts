import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../src/config/schema/index.js';
import { mergeOwners, planResurrect, planStart, sourceOf, withoutApp, type Owners } from '../../src/daemon/config-owners.js';

const { security, alerts } = configSchema.parse({});
const empty: Owners = { sources: [], defaults: { security, alerts } };

/** A source as `start FILE` sends it: validated, with what the file declared itself. */
function file(id: string, raw: Record<string, unknown>) {
  const declared = Object.entries(raw).flatMap(([k, v]) => (k === 'alerts' ? Object.keys(v as object).map((a) => `alerts.${a}`) : [k]));
  return sourceOf(id, id, configSchema.parse(raw), declared);
}

const A = file('/a.yml', {
  apps: [{ name: 'api', script: 'a.js' }],
  forward: [{ name: 'pt', host: 'logs.example', port: 1 }],
  alerts: { channels: [{ type: 'webhook', url: 'http://127.0.0.1:1/a' }], on: ['crash'], dedupe: '1m' },
});
const B = file('/b.yml', {
  apps: [{ name: 'worker', script: 'w.js' }],
  forward: [{ name: 'ls', host: 'logstash.example', port: 2 }],
  alerts: { channels: [{ type: 'exec', command: ['/bin/true'] }] },
});

test('a second file adds its own apps, endpoints and channels; the first file\'s stay, and each file routes alerts to its channels', () => {
  const one = planStart(empty, A);
  assert.deepEqual(one.clashes, []);
  assert.deepEqual(one.changes.map((c) => `${c.action} ${c.what} ${c.name}`), ['added app api', 'added forward endpoint pt', 'added alert channel webhook']);
  const two = planStart(one.owners, B);
  assert.deepEqual(two.clashes, []);
  assert.deepEqual(two.changes.map((c) => `${c.action} ${c.what} ${c.name}`), ['added app worker', 'added forward endpoint ls', 'added alert channel exec']);
  assert.deepEqual(two.config.apps.map((a) => a.name), ['api', 'worker']);
  assert.deepEqual(two.config.forward.map((f) => f.name), ['pt', 'ls']);
  // A's `on: [crash]` covers A's channel; B declared no `on`, so its channel gets the default kinds.
  const on = two.config.alerts.on as Record<string, string[]>;
  assert.deepEqual(on.crash, ['webhook', 'exec']);
  assert.deepEqual(on.security, ['exec']);
  // A's own setting holds; nobody declared minSeverity: the default.
  assert.equal(two.config.alerts.dedupe, 60_000);
  assert.equal(two.config.alerts.minSeverity, 'medium');
});

test('starting a file again replaces only what it owned: its removed items go, other files\' stay', () => {
  const both = planStart(planStart(empty, A).owners, B).owners;
  const A2 = file('/a.yml', { apps: [{ name: 'api', script: 'a.js', args: ['--v2'] }, { name: 'cron', script: 'c.js' }] });
  const p = planStart(both, A2);
  assert.deepEqual(p.clashes, []);
  assert.deepEqual(p.changes.map((c) => `${c.action} ${c.what} ${c.name}`).sort(), [
    'added app cron', 'changed app api', 'changed setting alerts.dedupe', 'removed alert channel webhook', 'removed forward endpoint pt',
  ]);
  assert.deepEqual(p.config.forward.map((f) => f.name), ['ls']);
  assert.deepEqual(p.owners.sources.map((s) => s.id), ['/a.yml', '/b.yml'], 'a file keeps its place');
});

test('the same app, endpoint or channel name from two files is a clash naming the owner; --force moves it, --replace keeps one file', () => {
  const both = planStart(planStart(empty, A).owners, B).owners;
  const C = file('/c.yml', {
    apps: [{ name: 'api', script: 'other.js' }],
    forward: [{ name: 'ls', host: 'x.example', port: 3 }],
    alerts: { dedupe: '2m' },
  });
  const clash = planStart(both, C);
  assert.deepEqual(clash.clashes.map((c) => `${c.what} ${c.name} ${c.owner}`), [
    'app api /a.yml', 'forward endpoint ls /b.yml', 'setting alerts.dedupe /a.yml',
  ]);
  // An equal value is no clash: both files may say `dedupe: 1m`.
  assert.deepEqual(planStart(both, file('/d.yml', { alerts: { dedupe: '1m' } })).clashes, []);

  const forced = planStart(both, C, { force: true });
  assert.deepEqual(forced.clashes, []);
  assert.equal(forced.config.apps.find((a) => a.name === 'api')!.script, 'other.js');
  assert.deepEqual(forced.config.apps.map((a) => a.name).sort(), ['api', 'worker']);
  assert.equal(forced.config.alerts.dedupe, 120_000);

  const only = planStart(both, C, { replace: true });
  assert.deepEqual(only.clashes, []);
  assert.deepEqual(only.owners.sources.map((s) => s.id), ['/c.yml']);
  assert.deepEqual(only.changes.filter((c) => c.action === 'removed').map((c) => c.name).sort(), ['exec', 'pt', 'webhook', 'worker']);
});

test('a script from the command line may not reuse any existing name, even its own, unless forced', () => {
  const script = (args: string[]) => sourceOf('cli:api', 'the command line (server.js)', configSchema.parse({ apps: [{ name: 'api', script: 'server.js', args }] }), ['apps']);
  const first = planStart(empty, script(['--port', '3000']), { create: true });
  assert.deepEqual(first.clashes, []);
  const again = planStart(first.owners, script(['--port', '4000']), { create: true });
  assert.deepEqual(again.clashes.map((c) => `${c.what} ${c.name} ${c.owner}`), ['app api the command line (server.js)']);
  const forced = planStart(first.owners, script(['--port', '4000']), { create: true, force: true });
  assert.deepEqual(forced.config.apps[0]!.args, ['--port', '4000']);
  // Two scripts are two owners: the second does not remove the first.
  const other = sourceOf('cli:web', 'the command line (web.js)', configSchema.parse({ apps: [{ name: 'web', script: 'web.js' }] }), ['apps']);
  assert.deepEqual(planStart(first.owners, other, { create: true }).config.apps.map((a) => a.name), ['api', 'web']);
});

test('delete forgets an app in its owner; resurrect gives missing saved apps back to their file, leaving the running settings alone', () => {
  const both = planStart(planStart(empty, A).owners, B).owners;
  const deleted = withoutApp(both, 'api');
  assert.deepEqual(mergeOwners(deleted).apps.map((a) => a.name), ['worker']);
  assert.deepEqual(mergeOwners(deleted).forward.map((f) => f.name), ['pt', 'ls'], 'A still owns its endpoint');
  const r = planResurrect(withoutApp(deleted, 'worker'), both);
  assert.deepEqual(r.apps, ['api', 'worker']);
  assert.deepEqual(mergeOwners(r.owners).apps.map((a) => a.name).sort(), ['api', 'worker']);
  assert.deepEqual(planResurrect(empty, both).owners, both, 'a daemon with nothing takes the saved owners whole');
});
