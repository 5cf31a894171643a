import { test } from 'node:test';
import assert from 'node:assert/strict';
import { banTarget } from '../../src/ban/address.js';
import { ProtectedAddresses } from '../../src/ban/protected.js';

const t = (ip: string, v4 = 32, v6 = 128) => banTarget(ip, { v4, v6 })!;

test('security.ignore, loopback, the unspecified addresses and the host are never banned', () => {
  const p = new ProtectedAddresses(['203.0.113.0/24', '2001:db8:aa::/48', '::ffff:198.51.100.0/120'], () => ['192.0.2.1', 'fe80::1', '2001:db8::1']);
  for (const ip of ['203.0.113.9', '2001:db8:aa::5', '198.51.100.200', '127.0.0.1', '127.8.9.10', '::1', '0.0.0.0', '::', '192.0.2.1', '2001:db8::1']) {
    assert.ok(p.why(t(ip)) !== null, ip);
  }
  for (const ip of ['203.0.114.1', '192.0.2.2', '2001:db8::2', '198.51.101.1']) assert.equal(p.why(t(ip)), null, ip);
  assert.match(p.why(t('192.0.2.1'))!, /this host's addresses/);
  assert.match(p.why(t('203.0.113.9'))!, /security\.ignore \(203\.0\.113\.0\/24\)/);
});

test('a prefix ban that would hold a protected address is refused', () => {
  const p = new ProtectedAddresses(['192.0.2.30'], () => ['198.51.100.1']);
  assert.match(p.why(t('192.0.2.20', 24))!, /192\.0\.2\.0\/24 holds 192\.0\.2\.30/);
  assert.ok(p.why(t('198.51.100.99', 24)) !== null, "the host's own network");
  assert.equal(p.why(t('192.0.3.20', 24)), null);
  assert.ok(p.why(t('127.1.2.3', 24)) !== null);
});

test('host addresses are read again as they change', async () => {
  let mine = ['192.0.2.1'];
  const p = new ProtectedAddresses([], () => mine);
  assert.ok(p.why(t('192.0.2.1')) !== null);
  mine = ['192.0.2.2'];
  // Re-read at most every few seconds: the old answer may stand briefly, never forever.
  (p as unknown as { hostReadAt: number }).hostReadAt = -Infinity;
  assert.equal(p.why(t('192.0.2.1')), null);
  assert.ok(p.why(t('192.0.2.2')) !== null);
});

test('a bad security.ignore entry is a clear error', () => {
  for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.0/8/8', '10.0.0.0/x']) {
    assert.throws(() => new ProtectedAddresses([bad]), /security\.ignore: .* is not an IP address or CIDR/, bad);
  }
});
