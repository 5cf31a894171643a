import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AllowList, AllowListError } from '../../../src/logs/detect/allow-list.js';

test('allow-list matches IPv4 and IPv6 CIDRs and plain addresses, after normalising mapped IPv6', () => {
  const a = new AllowList(['127.0.0.1/8', '10.1.2.3', '2001:db8::/32', '::1', 'fe80::/10']);
  for (const ip of ['127.0.0.1', '127.255.0.9', '10.1.2.3', '2001:db8:1::5', '::1', 'fe80::1']) assert.ok(a.has(ip), ip);
  for (const ip of ['128.0.0.1', '10.1.2.4', '2001:db9::1', '::2', 'fec0::1', 'garbage']) assert.ok(!a.has(ip), ip);
});

test('allow-list handles /0, /32, /128 and a mapped IPv4 tail in IPv6 notation', () => {
  assert.ok(new AllowList(['0.0.0.0/0']).has('8.8.8.8'));
  assert.ok(new AllowList(['::ffff:192.0.2.0/120']).has('192.0.2.77'), 'an IPv4-mapped /120 is the IPv4 /24');
  assert.ok(!new AllowList(['::ffff:192.0.2.0/120']).has('192.0.3.1'));
  assert.ok(new AllowList(['2001:db8::1/128']).has('2001:db8::1'));
  assert.ok(!new AllowList(['2001:db8::1/128']).has('2001:db8::2'));
});

test('allow-list rejects malformed entries with a coded error', () => {
  assert.throws(() => new AllowList(['10.0.0.0/33']), (e: unknown) => e instanceof AllowListError && e.code === 'EALLOWLIST');
  assert.throws(() => new AllowList(['example.com']), AllowListError);
});
