// No nft, no CAP_NET_ADMIN, no exec program: a clear error at `config check` (exit 78) and at `start`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BIN, TestHome } from '../helpers/bulwark-cli.js';
import { netnsUnavailable } from '../helpers/netns.js';

const needsRoot = netnsUnavailable();
const hasSetpriv = spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;

function withConfig(t: { after(fn: () => void): void }, ban: string): { home: TestHome; file: string } {
  const home = new TestHome('bulwark-ban-check-');
  t.after(() => home.cleanup());
  const file = home.write('bulwark.yml', `apps:\n  - name: idle\n    cmd: [node, -e, "setInterval(() => {}, 1000)"]\nsecurity:\n  ban: ${ban}\n`);
  return { home, file };
}

test('config check: bans on but no nft program -> exit 78 saying what to install', async (t) => {
  const { home, file } = withConfig(t, '{ enabled: true }');
  const r = await home.run(['config', 'check', file], { env: { BULWARK_NFT: '/nonexistent/nft' } });
  assert.equal(r.code, 78, r.stdout + r.stderr);
  assert.match(r.stderr, /security\.ban: the nftables backend needs the nft program, which is not installed \(Debian\/Ubuntu: apt-get install nftables/);
  const dry = withConfig(t, '{ enabled: true, dryRun: true }');
  assert.equal((await dry.home.run(['config', 'check', dry.file], { env: { BULWARK_NFT: '/nonexistent/nft' } })).code, 0, 'dryRun needs no firewall');
  const off = withConfig(t, '{ enabled: false }');
  assert.equal((await off.home.run(['config', 'check', off.file], { env: { BULWARK_NFT: '/nonexistent/nft' } })).code, 0);
});

test('config check: without CAP_NET_ADMIN -> exit 78 naming the capability; with it -> 0', { skip: needsRoot || (!hasSetpriv && 'setpriv (util-linux) is not installed') }, (t) => {
  const { home, file } = withConfig(t, '{ enabled: true }');
  const run = (pre: string[]) => spawnSync(pre[0] ?? process.execPath, [...pre.slice(1), ...(pre.length ? [process.execPath] : []), BIN, 'config', 'check', file], { env: home.env(), encoding: 'utf8', timeout: 60_000 });
  const without = run(['setpriv', '--bounding-set=-net_admin', '--inh-caps=-net_admin', '--']);
  assert.equal(without.status, 78, without.stdout + without.stderr);
  assert.match(without.stderr, /nftables bans need CAP_NET_ADMIN, which this process \(uid 0\) does not have/);
  const withCap = run([]);
  assert.equal(withCap.status, 0, withCap.stdout + withCap.stderr);
});

test('config check: the exec backend needs its programs', async (t) => {
  const { home, file } = withConfig(t, '{ enabled: true, backend: exec, exec: { ban: [/nonexistent/block], unban: [/bin/true] } }');
  const r = await home.run(['config', 'check', file]);
  assert.equal(r.code, 78);
  assert.match(r.stderr, /security\.ban\.exec\.ban: "\/nonexistent\/block" is not an executable file/);
});

test('start: bans that cannot work here fail the start with exit 78, and no app runs', async (t) => {
  const { home, file } = withConfig(t, '{ enabled: true }');
  const r = await home.run(['start', file], { env: { BULWARK_NFT: '/nonexistent/nft' } });
  assert.equal(r.code, 78, r.stdout + r.stderr);
  assert.match(r.stderr, /nft program, which is not installed/);
  const status = await home.json<unknown[]>(['status']);
  assert.deepEqual(status, []);
  const ban = await home.run(['ban', '192.0.2.7']);
  assert.equal(ban.code, 1);
  assert.match(ban.stderr, /bans are off/);
});
