import { test } from 'node:test';
import assert from 'node:assert/strict';
import { banTarget, canonicalIp, netmask, parseTarget } from '../../src/ban/address.js';

const single = { v4: 32, v6: 128 };

test('an address is banned as itself, in one canonical spelling', () => {
  assert.deepEqual(banTarget('192.0.2.7', single), { target: '192.0.2.7', base: '192.0.2.7', bits: 32, family: 4 });
  assert.equal(banTarget('::ffff:192.0.2.7', single)?.target, '192.0.2.7');
  assert.equal(banTarget('2001:DB8:0:0:0:0:0:1', single)?.target, '2001:db8::1');
  assert.equal(banTarget('[2001:db8::1]', single)?.target, '2001:db8::1');
  assert.equal(canonicalIp('2001:db8:0:1:0:0:0:0'), '2001:db8:0:1::');
});

test('anything that is not an address bans nothing', () => {
  for (const bad of ['', 'example.com', '192.0.2', '192.030.0.6', '1.2.3.4; rm -rf /', '1.2.3.4\n5.6.7.8', '192.0.2.0/24', '::1::2']) {
    assert.equal(banTarget(bad, single), null, bad);
  }
});

test('prefix bans hold the network around the address', () => {
  assert.deepEqual(banTarget('192.0.2.77', { v4: 24, v6: 128 }), { target: '192.0.2.0/24', base: '192.0.2.0', bits: 24, family: 4 });
  assert.deepEqual(banTarget('2001:db8:1:2:3:4:5:6', { v4: 32, v6: 64 }), { target: '2001:db8:1:2::/64', base: '2001:db8:1:2::', bits: 64, family: 6 });
  assert.equal(banTarget('2001:db8:1:2:3:4:5:6', { v4: 32, v6: 56 })?.target, '2001:db8:1::/56');
});

test('netmasks and stored targets read back', () => {
  assert.equal(netmask(4, 24), '255.255.255.0');
  assert.equal(netmask(4, 20), '255.255.240.0');
  assert.equal(netmask(6, 64), 'ffff:ffff:ffff:ffff::');
  assert.equal(netmask(6, 56), 'ffff:ffff:ffff:ff00::');
  assert.deepEqual(parseTarget('192.0.2.0/24'), { target: '192.0.2.0/24', base: '192.0.2.0', bits: 24, family: 4 });
  assert.deepEqual(parseTarget('2001:db8::1'), { target: '2001:db8::1', base: '2001:db8::1', bits: 128, family: 6 });
  assert.equal(parseTarget('192.0.2.0/33'), null);
});
