// examples/prometheus: the alert rules load in Prometheus' own checker and fire on made-up series
// (promtool test rules), the scrape config is valid, and the Grafana dashboard queries only
// metrics bulwark exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dir = resolve(import.meta.dirname, '../../examples/prometheus');
const promtool = (...args: string[]): string => execFileSync('promtool', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('promtool check rules accepts the alert rules', () => {
  assert.match(promtool('check', 'rules', 'bulwark-alerts.yml'), /SUCCESS: 6 rules found/);
});

test('promtool test rules: app down, hang restarts and endpoint down fire on their series', () => {
  assert.match(promtool('test', 'rules', 'bulwark-alerts.test.yml'), /SUCCESS/);
});

test('promtool check config accepts the scrape config', () => {
  assert.match(promtool('check', 'config', 'prometheus.yml'), /is valid prometheus config file syntax/);
});

test('the Grafana dashboard is JSON and queries only bulwark_ metrics the daemon exports', () => {
  const dashboard = JSON.parse(readFileSync(join(dir, 'grafana-dashboard.json'), 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
  const exported = readFileSync(resolve(import.meta.dirname, '../../src/http/metrics.ts'), 'utf8');
  const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
  assert.ok(exprs.length >= 8, 'a panel per concern');
  for (const name of exprs.flatMap((e) => e.match(/bulwark_[a-z_]+/g) ?? [])) {
    assert.ok(exported.includes(`'${name}'`), `${name} is a metric of src/http/metrics.ts`);
  }
});
