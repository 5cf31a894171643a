// loghub's real logs (OpenSSH, Linux, Apache; CRLF line ends): with the default config, every address
// with >= 5 failed attempts within 10 minutes (counted here by independent patterns) is flagged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attackers, groundTruth, scanLoghub as scan } from '../../../bench/loghub.js';

test('loghub OpenSSH_2k: every address with >= 5 failed passwords within 10 min is flagged, and nothing else', async () => {
  const expected = attackers(groundTruth('OpenSSH_2k.log'));
  assert.ok(expected.length >= 10, `the sample has ${expected.length} attackers`);
  const { flagged, rows } = await scan('OpenSSH_2k.log');
  assert.deepEqual(flagged, expected);
  assert.equal(rows.length, 2000);
  assert.ok(rows.every((r) => r.format === 'sshd' && r.at !== null && r.at.startsWith('2016-12-')), 'every line read as sshd, with its own time');
});

test('loghub Linux_2k: sshd(pam_unix) and klogind failures from an address are flagged; host-name rhosts are not cut into IPs', async () => {
  const expected = attackers(groundTruth('Linux_2k.log'));
  assert.ok(expected.length >= 2, `the sample has ${expected.length} attackers`);
  const { flagged, rows } = await scan('Linux_2k.log');
  assert.deepEqual(flagged, expected);
  for (const r of rows) if (r.ip !== null) assert.match(r.ip, /^\d{1,3}(?:\.\d{1,3}){3}$/, `line ${r.lineNo}: ${r.ip}`);
  assert.ok(rows.every((r) => r.at !== null && /^2016-0[67]-/.test(r.at)), 'every line keeps its own time, not the file mtime');
});

test('loghub Apache_2k (Apache error log, CRLF): read with client addresses and own times; no login failures, nothing flagged', async () => {
  const { flagged, rows } = await scan('Apache_2k.log');
  assert.deepEqual(flagged, []);
  assert.equal(rows.length, 2000);
  assert.ok(rows.every((r) => r.format === 'apache-error' && r.at !== null && r.at.startsWith('2005-12-')));
  const clients = rows.filter((r) => r.ip !== null);
  assert.equal(clients.length, 32, 'the "Directory index forbidden" lines name their client');
  assert.ok(rows.every((r) => r.signal !== 'auth-failure'));
});
