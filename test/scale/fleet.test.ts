// The fleet of examples/fleet on one machine: three daemons (separate homes, ports and
// BULWARK_HOSTNAMEs web1, web2, db1) forward into one rsyslog receiver and are scraped by one
// Prometheus; every host's events and metrics arrive, labelled by host. The example files
// themselves pass `bulwark config check` and `promtool check config`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { httpUrl } from '../helpers/http-daemon.js';
import { startPrometheus, type PrometheusServer } from '../helpers/prometheus.js';
import { startRsyslog, type RsyslogReceiver } from '../helpers/rsyslog.js';

const EXAMPLES = resolve(import.meta.dirname, '../../examples');
const HOSTS = ['web1', 'web2', 'db1'] as const;
const TOKEN = '0123456789abcdef0123456789abcdef-fleet';

let receiver: RsyslogReceiver;
const homes = new Map<string, TestHome>();
let prometheus: PrometheusServer | null = null;

before(async () => {
  receiver = await startRsyslog({ tcp: true });
  for (const host of HOSTS) {
    const home = new TestHome(`bulwark-fleet-${host}-`);
    homes.set(host, home);
    home.write('bulwark.yml', `apps:
  - name: api
    cmd: ["sleep", "1000"]
forward:
  - name: central
    host: 127.0.0.1
    port: ${receiver.ports.tcp}
    protocol: tcp
    format: rfc5424
    select: [lifecycle]
http:
  listen: 127.0.0.1:0
`);
    const r = await home.run(['start', 'bulwark.yml'], { env: { BULWARK_HOSTNAME: host } });
    assert.equal(r.code, 0, `${host}: ${r.stderr}`);
  }
  // One Prometheus, one job, a target per daemon labelled with its host (as examples/fleet/prometheus.yml).
  const targets = await Promise.all(HOSTS.map(async (host) => ({ host, target: new URL(await httpUrl(homes.get(host)!)).host })));
  prometheus = await startPrometheus(join(homes.get('web1')!.dir, 'prometheus'), `  - job_name: bulwark
    static_configs:
${targets.map((t) => `      - { targets: ['${t.target}'], labels: { host: ${t.host} } }`).join('\n')}
`);
});

after(async () => {
  await prometheus?.stop();
  for (const home of homes.values()) home.cleanup();
  await receiver?.dispose();
});

test('every host\'s lifecycle events reach the one receiver, each with its own syslog HOSTNAME', async () => {
  const records = await receiver.waitFor((rs) => HOSTS.every((h) => rs.some((r) => r.hostname === h && r.appname === 'api' && r.msgid === 'online')), 30_000)
    .catch((err: Error) => { throw new Error(`${err.message}\n${JSON.stringify(receiver.records(), null, 1)}`); });
  for (const host of HOSTS) {
    // The daemon's own events name the host too (the http server it started, the endpoint it reached).
    const mine = records.filter((r) => r.hostname === host);
    assert.ok(mine.some((r) => r.appname === 'api' && r.msgid === 'start'), `${host}: ${JSON.stringify(mine.map((r) => r.msgid))}`);
  }
  assert.deepEqual([...new Set(records.map((r) => r.hostname))].sort(), [...HOSTS].sort(), 'no record without its host name');
  // A stop on one host arrives from that host only.
  const before = records.length;
  const r = await homes.get('db1')!.run(['stop', 'api']);
  assert.equal(r.code, 0, r.stderr);
  const after = await receiver.waitFor((rs) => rs.slice(before).some((x) => x.hostname === 'db1' && x.appname === 'api' && x.msgid === 'stopped'), 20_000);
  assert.ok(after.slice(before).every((x) => x.hostname === 'db1'), JSON.stringify(after.slice(before)));
  await homes.get('db1')!.run(['start', 'api']);
});

test('Prometheus scrapes the three daemons and tells their apps apart by host', async () => {
  const query = (expr: string) => prometheus!.query(expr);
  const up = await waitFor('every daemon scraped', async () => {
    const r = await query('up{job="bulwark"} == 1');
    return r.length === 3 ? r : null;
  }, 30_000, 250);
  assert.deepEqual(up.map((r) => r.metric.host).sort(), [...HOSTS].sort());
  const apps = await waitFor('the api app up on every host', async () => {
    const r = await query('sum by (host) (bulwark_app_up{app="api"})');
    return r.length === 3 && r.every((x) => x.value[1] === '1') ? r : null;
  }, 30_000, 250);
  assert.deepEqual(apps.map((r) => r.metric.host).sort(), [...HOSTS].sort());
});

test('the example fleet files pass bulwark config check and promtool check config', () => {
  // The examples name production paths (/srv, /etc): a copy points them at files that exist here.
  const dir = join(homes.get('web1')!.dir, 'examples');
  cpSync(join(EXAMPLES, 'fleet'), join(dir, 'fleet'), { recursive: true });
  cpSync(join(EXAMPLES, 'prometheus'), join(dir, 'prometheus'), { recursive: true });
  const files = join(dir, 'files');
  mkdirSync(files, { recursive: true });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=fleet',
    '-days', '1', '-keyout', join(files, 'key.pem'), '-out', join(files, 'cert.pem')], { stdio: 'pipe' });
  for (const f of ['server.js', 'worker.js', 'backup', 'bulwark.token', 'bulwark-ca.pem']) writeFileSync(join(files, f), '', { mode: 0o755 });
  const relocate = (text: string): string => text
    .replaceAll('/srv/shop/', `${files}/`).replaceAll('/usr/local/bin/', `${files}/`)
    .replaceAll('/etc/bulwark/tls/', `${files}/`).replaceAll('/etc/prometheus/', `${files}/`);
  for (const host of readdirSync(join(dir, 'fleet/hosts'))) {
    const file = join(dir, 'fleet/hosts', host);
    writeFileSync(file, relocate(readFileSync(file, 'utf8')));
    // Throws (with the errors) when the check fails.
    execFileSync(process.execPath, [resolve(import.meta.dirname, '../../bin/bulwark'), 'config', 'check', file], {
      env: { ...process.env, BULWARK_HOME: join(dir, 'home'), LOGSTASH_HOST: '127.0.0.1', BULWARK_HTTP_TOKEN: TOKEN }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    });
  }
  const prom = join(dir, 'fleet/prometheus.yml');
  writeFileSync(prom, relocate(readFileSync(prom, 'utf8')));
  assert.match(execFileSync('promtool', ['check', 'config', prom], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), /is valid prometheus config file syntax/);
});

test('a BULWARK_HOSTNAME that is not a syslog host name is refused with a clear error', async () => {
  const home = new TestHome('bulwark-fleet-bad-');
  try {
    home.write('bulwark.yml', 'apps:\n  - name: api\n    cmd: ["sleep", "1000"]\n');
    const r = await home.run(['start', 'bulwark.yml'], { env: { BULWARK_HOSTNAME: 'web 1\nforged' } });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /BULWARK_HOSTNAME .* is not a syslog host name/);
    assert.equal(home.daemonPid(), null, 'no daemon was started');
  } finally {
    home.cleanup();
  }
});
