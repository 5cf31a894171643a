// The README demo: the sample app under bulwark, in under a minute, with nothing external.
// A crash and its restart, a hang caught by the heartbeat, attacks detected in the app's log, and
// the alerts they produced, delivered to a webhook receiver this script runs on loopback.
// Run: npm run demo   (uses a throw-away BULWARK_HOME; leaves nothing running)
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const BIN = join(here, '..', 'bin', 'bulwark');
const home = mkdtempSync(join(tmpdir(), 'bulwark-demo-'));
const t0 = Date.now();
const alerts = [];

const say = (s) => console.log(`\n\x1b[1m[${((Date.now() - t0) / 1000).toFixed(1)}s] ${s}\x1b[0m`);
const free = () => new Promise((res) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });

// The "ops" webhook: prints each alert as it arrives (what Slack would show).
const hook = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const { text, bulwark } = JSON.parse(body);
    alerts.push(bulwark);
    console.log(`  \x1b[33mwebhook <- ${text.split('\n')[0]}\x1b[0m`);
    res.end('ok');
  });
});
await new Promise((r) => hook.listen(0, '127.0.0.1', r));
const port = await free();
const env = { ...process.env, BULWARK_HOME: home, SHOP_PORT: String(port), BULWARK_WEBHOOK_URL: `http://127.0.0.1:${hook.address().port}/hook` };

function bulwark(...args) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bulwark ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
const show = (...args) => console.log(bulwark(...args).trimEnd().replace(/^/gm, '  '));
const events = (type) => bulwark('events', '--type', type, '-n', '500', '--json').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
async function until(what, fn, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`demo: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
async function http(path, { ip = '198.51.100.7', method = 'GET', body, ua = 'Mozilla/5.0 (demo)' } = {}) {
  try {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, {
      method, headers: { 'x-forwarded-for': ip, 'user-agent': ua, 'content-type': 'application/json' },
      body: body && JSON.stringify(body), signal: AbortSignal.timeout(2000),
    });
    return r.status;
  } catch { return 'no answer'; }
}
const online = () => JSON.parse(bulwark('status', '--json')).find((a) => a.name === 'shop' && a.state === 'online');
const up = async () => (await http('/health')) === 200;

try {
  say('1. Start the sample shop under bulwark (examples/bulwark.yml)');
  show('start', join(here, 'bulwark.yml'));
  await until('the shop to answer', up);

  say('2. Crash it: GET /crash makes the app exit with code 1');
  const pid1 = online().pid;
  await http('/crash');
  await until('a restart', async () => { const s = online(); return s && s.pid !== pid1 && (await up()); });
  show('status');

  say('3. Hang it: GET /hang/busy spins forever (PM2 and forever would call this "online")');
  const pid2 = online().pid;
  await http('/hang/busy');
  const hang = await until('the hang to be caught', () => events('hang').find((e) => e.pid === pid2));
  console.log(`  caught: ${hang.reason}`);
  await until('the restart after the hang', async () => { const s = online(); return s && s.pid !== pid2 && (await up()); });
  show('events', '--type', 'lifecycle', '-n', '12');

  say('4. Attack it: probes, injections, a scanner, brute force, credential stuffing, a new-IP login, an account change');
  await http('/.env', { ip: '203.0.113.5' });
  await http('/.git/config', { ip: '203.0.113.5' });
  await http("/products?q=1'%20OR%20'1'='1", { ip: '203.0.113.6' });
  await http('/search?q=%3Cscript%3Ealert(document.cookie)%3C/script%3E', { ip: '203.0.113.6' });
  await http('/static/../../etc/passwd', { ip: '203.0.113.6' });
  await http('/', { ip: '203.0.113.8', ua: 'sqlmap/1.7.2#stable (https://sqlmap.org)' });
  for (let i = 0; i < 6; i++) await http('/login', { ip: '192.0.2.10', method: 'POST', body: { user: 'alice', password: `guess${i}` } });
  for (const user of ['bob', 'carol', 'dave', 'erin', 'frank', 'grace']) await http('/login', { ip: '192.0.2.20', method: 'POST', body: { user, password: 'Summer2024!' } });
  await http('/login', { ip: '198.51.100.30', method: 'POST', body: { user: 'heidi', password: 'hunter2' } });
  await http('/login', { ip: '203.0.113.99', method: 'POST', body: { user: 'heidi', password: 'hunter2' } });
  await http('/account/email', { ip: '203.0.113.99', method: 'POST', body: { user: 'heidi', email: 'attacker@example.net' } });
  const kinds = ['sensitive-file', 'sqli', 'xss', 'traversal', 'tagged', 'brute-force', 'credential-stuffing', 'new-ip-login', 'account-change'];
  await until('every kind of attack to be detected', () => kinds.every((k) => events('security').some((e) => e.kind === k)));
  show('events', '--type', 'security', '-n', '40');
  show('offenders', '-n', '8');

  say('5. The alerts the ops webhook received');
  await until('the security alerts', () => kinds.every((k) => alerts.some((a) => a.securityKind === k)));
  const byKind = {};
  for (const a of alerts) { const k = a.kind === 'security' ? `security/${a.securityKind}` : a.kind; byKind[k] = (byKind[k] ?? 0) + 1; }
  for (const [k, n] of Object.entries(byKind)) console.log(`  ${String(n).padStart(3)}  ${k}`);

  say(`Done: crash restarted, hang caught, ${kinds.length} kinds of attack detected, ${alerts.length} alerts delivered.`);
} finally {
  spawnSync(process.execPath, [BIN, 'kill'], { env, stdio: 'ignore' });
  hook.close();
  rmSync(home, { recursive: true, force: true });
}
