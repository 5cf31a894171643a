// The `http:` section: off by default; off loopback it needs a token and TLS (config check lists
// both); with TLS and metricsAuth, /metrics wants the Bearer token and the page is served over HTTPS.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { TestHome } from '../helpers/bulwark-cli.js';
import { httpUrl, TOKEN } from '../helpers/http-daemon.js';

const home = new TestHome('bulwark-httpcfg-');
after(() => home.cleanup());

test('config check: a non-loopback listen without token and tls is an error naming both (exit 78)', async () => {
  const file = home.write('open.yml', 'http:\n  listen: 0.0.0.0:9209\n');
  const r = await home.run(['config', 'check', file]);
  assert.equal(r.code, 78, r.stderr);
  assert.match(r.stderr, /open\.yml:\d+:\d+: http\.token: listen 0\.0\.0\.0:9209 is not loopback: a token is required/);
  assert.match(r.stderr, /http\.tls: listen 0\.0\.0\.0:9209 is not loopback: tls \(cert and key files\) is required/);
  const short = await home.run(['config', 'check', home.write('short.yml', 'http:\n  listen: 127.0.0.1:9209\n  token: abc\n')]);
  assert.equal(short.code, 78);
  assert.match(short.stderr, /the token has 3 characters; at least 32 are needed/);
  const bad = await home.run(['config', 'check', home.write('bad.yml', 'http:\n  listen: example.com:80\n')]);
  assert.match(bad.stderr, /http\.listen: expected host:port with an IP address or localhost/);
  const files = await home.run(['config', 'check', home.write('files.yml', 'http:\n  listen: 127.0.0.1:9209\n  tls: { cert: nope.pem, key: nope.key }\n')]);
  assert.match(files.stderr, /http\.tls\.cert: cannot read .*nope\.pem: ENOENT/);
  assert.match(files.stderr, /http\.tls\.key: cannot read .*nope\.key: ENOENT/);
  const ok = await home.run(['config', 'check', home.write('ok.yml', 'http: {}\n')]);
  assert.equal(ok.code, 0, `${ok.stderr}: loopback needs neither`);
});

test('with TLS and metricsAuth: HTTPS, a Secure cookie, and /metrics needs the Bearer token', async () => {
  const cert = join(home.dir, 'cert.pem');
  const key = join(home.dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  home.write('app.js', 'setInterval(() => {}, 1000);');
  home.write('tls.yml', `apps: [{ name: web, script: app.js }]
http:
  listen: 127.0.0.1:0
  token: \${BULWARK_HTTP_TOKEN}
  tls: { cert: cert.pem, key: key.pem }
  metricsAuth: true
`);
  assert.equal((await home.run(['start', 'tls.yml'], { env: { BULWARK_HTTP_TOKEN: TOKEN } })).code, 0);
  const url = await httpUrl(home);
  assert.match(url, /^https:\/\//);
  const ca = readFileSync(cert);
  const local = url.replace('127.0.0.1', 'localhost');
  // The certificate is verified (our test CA), as a real client would.
  const get = (path: string, headers: Record<string, string> = {}) => new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    request(`${local}${path}`, { ca, headers }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject).end();
  });
  assert.equal((await get('/metrics')).status, 401);
  const res = await get('/metrics', { authorization: `Bearer ${TOKEN}` });
  assert.equal(res.status, 200);
  assert.match(res.body, /bulwark_app_up\{app="web",instance="0"\} 1/);
  assert.match(String(res.headers['strict-transport-security']), /max-age=/);
  const page = await get(`/?token=${TOKEN}`);
  assert.equal(page.status, 303);
  assert.match(String(page.headers['set-cookie']), /HttpOnly; SameSite=Strict; Secure/);
});
