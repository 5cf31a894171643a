import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BanPolicy } from '../../src/ban/policy.js';
import { securitySchema } from '../../src/config/schema/security.js';
import type { SecurityEvent } from '../../src/events/types.js';

const ban = (over: Record<string, unknown> = {}) => securitySchema.parse({ ban: { enabled: true, ...over } }).ban;

function detection(over: Partial<SecurityEvent>): SecurityEvent {
  return {
    id: 'e1', type: 'security', at: new Date().toISOString(), kind: 'brute-force', app: 'api', source: 'stdout', line: 'x',
    ip: '192.0.2.7', user: 'root', rule: 'brute-force-ip', severity: 'high', message: 'm', count: 5, ...over,
  };
}

test('by default brute force, credential stuffing, probe bursts and high-severity web attacks ban', () => {
  const p = new BanPolicy(ban());
  assert.ok(p.bans(detection({})));
  assert.ok(p.bans(detection({ kind: 'credential-stuffing', rule: 'credential-stuffing', severity: 'critical' })));
  assert.ok(p.bans(detection({ kind: 'sensitive-file', rule: 'probes', severity: 'high' })), 'a burst of probes');
  assert.ok(p.bans(detection({ kind: 'sqli', rule: 'sqli-union', severity: 'high' })));
  assert.ok(!p.bans(detection({ kind: 'sensitive-file', rule: 'sensitive-env-file', severity: 'medium' })), 'one probe is not enough');
  assert.ok(!p.bans(detection({ kind: 'new-ip-login', rule: 'new-ip-login', severity: 'medium' })));
  assert.ok(!p.bans(detection({ kind: 'tagged', rule: 'tagged', severity: 'high' })), 'tagged is not in the default kinds');
});

test('detections whose address is not the offender never ban', () => {
  const p = new BanPolicy(ban({ kinds: ['brute-force', 'credential-stuffing'], minSeverity: 'low' }));
  assert.ok(!p.bans(detection({ rule: 'brute-force-user' })), 'many addresses guessing one user: the last address is not to blame');
  assert.ok(!p.bans(detection({ kind: 'credential-stuffing', rule: 'breached-password', severity: 'critical' })));
  assert.ok(!p.bans(detection({ ip: null })));
});

test('kinds and minSeverity choose what bans', () => {
  const p = new BanPolicy(ban({ kinds: ['tagged'], minSeverity: 'critical' }));
  assert.ok(!p.bans(detection({ kind: 'tagged', rule: 'tagged', severity: 'high' })));
  assert.ok(p.bans(detection({ kind: 'tagged', rule: 'tagged', severity: 'critical' })));
  assert.ok(!p.bans(detection({ severity: 'critical' })), 'brute-force is not listed');
});

test('repeat offenders: bantime doubles with each earlier ban (fail2ban bantime.increment), up to maxBantime', () => {
  const p = new BanPolicy(ban({ bantime: '10m', maxBantime: '1w' }));
  const m = 60_000;
  assert.deepEqual([0, 1, 2, 3, 4].map((n) => p.duration(n)), [10 * m, 20 * m, 40 * m, 80 * m, 160 * m]);
  assert.equal(p.duration(12), 604_800_000, 'capped at a week');
  assert.equal(p.duration(1000), 604_800_000);
  assert.equal(new BanPolicy(ban({ bantime: '10m', increment: false })).duration(5), 10 * m);
});

test('the ban config is checked: exec needs its programs, durations are sane, ports are ports', () => {
  const bad = (over: Record<string, unknown>) => !securitySchema.safeParse({ ban: over }).success;
  assert.ok(bad({ backend: 'exec' }));
  assert.ok(bad({ bantime: '10m', maxBantime: '5m' }));
  assert.ok(bad({ bantime: '500ms' }));
  assert.ok(bad({ ports: [70000] }));
  assert.ok(bad({ ports: ['90-80'] }));
  assert.ok(bad({ table: 'a b' }));
  assert.ok(bad({ prefix: { v4: 4 } }));
  assert.ok(bad({ nope: true }));
  const ok = ban({ backend: 'exec', exec: { ban: ['/bin/true'], unban: ['/bin/true'] }, ports: [22, '8000-8100'], maxBantime: '2w' });
  assert.equal(ok.maxBantime, 2 * 604_800_000);
  assert.equal(ok.exec?.timeout, 10_000);
});
