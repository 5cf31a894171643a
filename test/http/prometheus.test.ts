// The real Prometheus server scrapes a daemon whose app crashed once and logged one attack, and
// its query API returns what happened: one crash restart, one sqli event, the app up again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { httpUrl } from '../helpers/http-daemon.js';
import { startPrometheus, type PrometheusServer } from '../helpers/prometheus.js';

const home = new TestHome('bulwark-prom-');
let prometheus: PrometheusServer | null = null;

before(async () => {
  // First run: one SQL injection in the access log, then a crash. Later runs stay up.
  home.write('app.js', `const fs = require('node:fs');
if (!fs.existsSync('crashed')) {
  console.log('203.0.113.5 - - [02/Dec/2026:10:00:00 +0000] "GET /item?id=1%27%20OR%20%271%27=%271 HTTP/1.1" 200 12 "-" "curl/8"');
  fs.writeFileSync('crashed', '');
  setTimeout(() => process.exit(3), 300);
} else setInterval(() => {}, 1000);
`);
  home.write('bulwark.yml', `apps:
  - name: web
    script: app.js
    restart: { backoff: { initial: 100ms, max: 1s }, minUptime: 100ms }
http:
  listen: 127.0.0.1:0
`);
  const r = await home.run(['start', 'bulwark.yml']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr); // the first run fails its minUptime: `start` may report it
  const target = new URL(await httpUrl(home)).host;
  prometheus = await startPrometheus(join(home.dir, 'prometheus'), `  - job_name: bulwark
    static_configs: [{ targets: ['${target}'] }]
`);
});

after(async () => {
  await prometheus?.stop();
  home.cleanup();
});

async function query(expr: string): Promise<number | null> {
  const v = (await prometheus!.query(expr))[0]?.value[1];
  return v === undefined ? null : Number(v);
}

test('Prometheus scrapes one crash restart, one sqli event and the app up again', async () => {
  await waitFor('the target to be scraped', async () => (await query('up{job="bulwark"}')) === 1, 30_000, 250);
  assert.equal(await waitFor('the crash restart', () => query('bulwark_app_restarts_total{app="web",cause="crash"}'), 30_000, 250), 1);
  assert.equal(await waitFor('the attack', () => query('bulwark_security_events_total{kind="sqli"}'), 30_000, 250), 1);
  assert.equal(await waitFor('the app up', async () => ((await query('bulwark_app_up{app="web",exported_instance="0"}')) === 1 ? 1 : null), 30_000, 250), 1);
  assert.equal(await query('bulwark_app_state{app="web",exported_instance="0",state="online"}'), 1);
  assert.equal(await query('bulwark_log_lines_total{app="web",source="stdout"}'), 1);
  assert.equal(await query('sum(bulwark_app_restarts_total{app="web"})'), 1, 'no restart of another cause');
  // No label carries an address or a user name.
  const series = await (await fetch(`${prometheus!.url}/api/v1/series?match[]=${encodeURIComponent('{job="bulwark"}')}`)).json() as { data: Record<string, string>[] };
  for (const s of series.data) assert.ok(!Object.values(s).some((v) => v.includes('203.0.113.5')), `no IP in ${JSON.stringify(s)}`);
});
