// Break 6 of issue 16: the control socket trusts nothing. Malformed requests get an error reply,
// a client that never reads cannot make the daemon buffer without bound, connections are capped,
// and apps do not inherit BULWARK_HOME (the way to the socket).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { TestHome } from '../helpers/bulwark-cli.js';
import { procStatusField } from '../helpers/proc-status.js';
import { waitFor } from '../helpers/wait-for.js';

interface Reply { id: number; ok?: boolean; error?: { code: string; message: string } }

async function daemon(t: { after(fn: () => void): void }): Promise<TestHome> {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const r = await h.run(['daemon']);
  assert.equal(r.code, 0, r.stderr);
  return h;
}

function open(h: TestHome): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(join(h.home, 'daemon.sock'));
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Collects reply lines from a socket. */
function replies(s: Socket): Reply[] {
  const got: Reply[] = [];
  let buf = '';
  s.setEncoding('utf8');
  s.on('data', (d: string) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) { got.push(JSON.parse(buf.slice(0, nl)) as Reply); buf = buf.slice(nl + 1); }
  });
  return got;
}

const rssOf = (pid: number): number => procStatusField(pid, 'VmRSS') * 1024;

test('every malformed request gets exactly one error reply (never EINTERNAL), and the daemon stays up', async (t) => {
  const h = await daemon(t);
  const s = await open(h);
  t.after(() => s.destroy());
  const got = replies(s);
  const bad = [
    'null', '[]', '42', '"ping"', '{}', '{"v":1,"id":1}', '{"v":1,"id":"x","cmd":"ping"}', 'not json',
    '{"v":1,"id":2,"cmd":"apply","args":{"config":null}}',
    '{"v":1,"id":3,"cmd":"apply","args":{"config":{"apps":[{"name":"x"}],"security":{},"forward":[],"alerts":{}}}}',
    '{"v":1,"id":4,"cmd":"apply","args":{"config":{"apps":[{"name":"x","cmd":["true"],"health":null}]}}}',
    '{"v":1,"id":5,"cmd":"stop","args":{"name":{"toString":1}}}',
    '{"v":1,"id":6,"cmd":"events","args":{"limit":"all"}}',
    '{"v":1,"id":7,"cmd":"status","args":{"name":"../../etc"}}',
    '{"v":1,"id":8,"cmd":"nope"}',
    '{"v":1,"id":9,"cmd":"ping","args":[]}',
  ];
  s.write(bad.map((l) => `${l}\n`).join(''));
  await waitFor('a reply per request', () => got.length >= bad.length, 10_000);
  assert.equal(got.length, bad.length, JSON.stringify(got));
  for (const r of got) {
    assert.equal(r.ok, false, JSON.stringify(r));
    assert.match(r.error!.code, /^(EBADREQ|ECONFIG)$/, JSON.stringify(r));
  }
  assert.deepEqual(got.filter((r) => r.id > 0).map((r) => r.id).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(got.find((r) => r.id === 3)!.error!.code, 'ECONFIG');
  const status = await h.run(['status', '--json']);
  assert.equal(status.code, 0, status.stderr);
});

test('a client that pipelines requests and never reads the replies stalls only itself: reading stops, memory stays bounded', async (t) => {
  const h = await daemon(t);
  const pid = h.daemonPid()!;
  const before = rssOf(pid);
  const s = await open(h);
  t.after(() => s.destroy());
  const N = 500_000;
  const line = '{"v":1,"id":1,"cmd":"ping"}\n';
  s.write(line.repeat(N)); // 14 MB of requests, ~75 MB of replies; we read none
  // The daemon stops reading this connection once its unread replies pass its bound: most of the
  // requests stay unsent on our side, and stay so (a daemon without backpressure reads them all).
  let since = Date.now();
  let pending = s.writableLength;
  await waitFor('the daemon to stop reading for 3 s', () => {
    assert.notEqual(s.writableLength, 0, 'the daemon read every request without the replies being read');
    if (s.writableLength !== pending) { pending = s.writableLength; since = Date.now(); }
    return Date.now() - since >= 3000;
  }, 60_000, 100);
  const grown = rssOf(pid) - before;
  assert.ok(grown < 60 * 1024 * 1024, `daemon RSS grew ${(grown / 1048576).toFixed(1)} MB`);
  // Others are served meanwhile.
  const status = await h.run(['status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  // Reading again drains every reply: nothing was dropped.
  let count = 0;
  let tail = '';
  s.on('data', (d: Buffer) => {
    const text = tail + d.toString('utf8');
    const parts = text.split('\n');
    tail = parts.pop()!;
    count += parts.length;
  });
  await waitFor('every reply', () => count === N, 60_000);
});

test('connections are capped: past the cap a client is told why and the daemon keeps its descriptors; afterwards the CLI works', async (t) => {
  const h = await daemon(t);
  const pid = h.daemonPid()!;
  const sockets: Socket[] = [];
  t.after(() => { for (const s of sockets) s.destroy(); });
  const refused: Reply[] = [];
  for (let i = 0; i < 400; i++) {
    const s = await open(h);
    sockets.push(s);
    replies(s).push = (...r: Reply[]) => { refused.push(...r); return refused.length; };
  }
  await waitFor('refusals for the connections past the cap', () => refused.length >= 400 - 256, 10_000);
  assert.ok(refused.every((r) => r.error?.code === 'EBUSY'));
  // A refused connection is closed once its reply is flushed: the count settles below the cap's.
  let fds = 0;
  await waitFor('the daemon closing the refused connections', () => (fds = readdirSync(`/proc/${pid}/fd`).length) < 256 + 64, 10_000)
    .catch(() => assert.fail(`daemon holds ${fds} descriptors`));
  const busy = await h.run(['status']);
  assert.equal(busy.code, 1);
  assert.match(busy.stderr, /already has 256 control connections open/);
  for (const s of sockets) s.destroy();
  await waitFor('the CLI served again', async () => (await h.run(['status', '--json'])).code === 0);
});

test('apps do not inherit BULWARK_HOME unless their env sets it', async (t) => {
  const h = new TestHome();
  t.after(() => h.cleanup());
  const probe = (name: string) => `require('fs').writeFileSync(${JSON.stringify(join(h.dir, `${name}.env`))}, String(process.env.BULWARK_HOME));setInterval(()=>{},1000)`;
  const cfg = h.write('apps.yml', [
    'apps:',
    `  - name: plain`,
    `    cmd: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(probe('plain'))}]`,
    `  - name: asked`,
    `    cmd: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(probe('asked'))}]`,
    `    env: { BULWARK_HOME: ${JSON.stringify(h.home)} }`,
    '',
  ].join('\n'));
  const r = await h.run(['start', cfg]);
  assert.equal(r.code, 0, r.stderr);
  await waitFor('both apps wrote', () => existsSync(join(h.dir, 'plain.env')) && existsSync(join(h.dir, 'asked.env')));
  assert.equal(readFileSync(join(h.dir, 'plain.env'), 'utf8'), 'undefined');
  assert.equal(readFileSync(join(h.dir, 'asked.env'), 'utf8'), h.home);
});
