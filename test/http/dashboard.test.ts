// The dashboard in headless Chromium against a real daemon: the token once then an HttpOnly,
// SameSite=Strict cookie (401 without); a crash shows within 1 s; the restart button goes through
// the daemon and a request without the CSRF token is refused; an attack line carrying <script>,
// <img onerror> and terminal escapes shows as text and runs nothing; the assets are small and
// self-contained. Screenshots: test-artifacts/dashboard-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { TestHome } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { artifact, launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { httpUrl, TOKEN } from '../helpers/http-daemon.js';

const home = new TestHome('bulwark-dash-');
let base = '';
let browser: TestBrowser;

// Markup that would run if parsed, and escapes that would recolour and clear a terminal.
const HOSTILE = `/q?<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>\\x1b[31m\\x1b[2J`;

before(async () => {
  home.write('hostile.js', `const line = '198.51.100.23 - - [02/Dec/2026:10:00:00 +0000] "GET ${HOSTILE} HTTP/1.1" 404 0 "-" "curl/8"';
console.log(line);
setInterval(() => {}, 1000);
`);
  home.write('victim.js', 'setInterval(() => {}, 1000);');
  home.write('bulwark.yml', `apps:
  - name: hostile
    script: hostile.js
  - name: victim
    script: victim.js
    restart: { backoff: { initial: 100ms, max: 1s } }
http:
  listen: 127.0.0.1:0
  token: \${BULWARK_HTTP_TOKEN}
`);
  const r = await home.run(['start', 'bulwark.yml'], { env: { BULWARK_HTTP_TOKEN: TOKEN } });
  assert.equal(r.code, 0, r.stderr);
  base = await httpUrl(home);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  home.cleanup();
});

async function loggedIn(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${base}/?token=${TOKEN}`);
  await page.waitForSelector('body[data-ready]');
  return page;
}

test('401 without the token; the token once gives an HttpOnly SameSite=Strict cookie and the dashboard', async () => {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  const first = await page.goto(`${base}/`);
  assert.equal(first?.status(), 401);
  assert.equal(await page.locator('form[action="/login"] input[name=token]').count(), 1, 'a login form');
  assert.equal((await fetch(`${base}/api/stream`)).status, 401, 'no stream without a session');
  assert.equal((await page.goto(`${base}/?token=wrong-${TOKEN}`))?.status(), 401);
  await page.fill('input[name=token]', TOKEN);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  await page.waitForSelector('body[data-ready]');
  assert.ok(!page.url().includes('token='), 'the token left the address bar');
  const [cookie] = await browser.context.cookies(base);
  assert.equal(cookie?.name, 'bulwark_session');
  assert.equal(cookie?.httpOnly, true);
  assert.equal(cookie?.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read it');
  const res = await fetch(`${base}/`, { headers: { cookie: `${cookie.name}=${cookie.value}` } });
  assert.equal(res.status, 200);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/, 'no inline or remote script');
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  assert.equal(await page.locator('#apps tbody tr').count(), 2);
  await page.screenshot({ path: artifact('dashboard-login.png'), fullPage: true });
  await page.close();
});

test('a crash shows in the app table and the timeline within 1 s', async () => {
  const page = await loggedIn();
  const row = page.locator('#apps tbody tr[data-key="victim/0"]');
  await waitFor('victim online', async () => (await row.getAttribute('data-state')) === 'online');
  const status = await home.json<{ name: string; pid: number }[]>(['status']);
  const pid = status.find((s) => s.name === 'victim')!.pid;
  await page.evaluate(() => {
    const w = window as unknown as { __crashSeen?: number };
    new MutationObserver(() => {
      if (w.__crashSeen === undefined && document.querySelector('#timeline li[data-kind="crash"]')) w.__crashSeen = performance.now();
    }).observe(document.getElementById('timeline')!, { childList: true, subtree: true });
  });
  const killedAt = await page.evaluate(() => performance.now());
  process.kill(pid, 'SIGKILL');
  const seenAt = await waitFor('the crash on the page', () => page.evaluate(() => (window as unknown as { __crashSeen?: number }).__crashSeen), 5000, 20);
  const ms = seenAt - killedAt;
  assert.ok(ms < 1000, `crash shown after ${ms.toFixed(0)} ms`);
  await waitFor('victim restarted', async () => (await row.getAttribute('data-state')) === 'online' && (await row.locator('td').nth(4).textContent()) === '1');
  await page.screenshot({ path: artifact('dashboard-crash.png'), fullPage: true });
  await page.close();
});

test('restart goes through the daemon with the CSRF token; without it the request is refused', async () => {
  const page = await loggedIn();
  const row = page.locator('#apps tbody tr[data-key="victim/0"]');
  const before = Number(await row.locator('td').nth(4).textContent());
  await row.locator('button[data-action=restart]').click();
  await waitFor('the restart', async () => Number(await row.locator('td').nth(4).textContent()) === before + 1);
  assert.match(await page.locator('#action-result').textContent() ?? '', /restart victim: done/);
  const events = await home.run(['events', '--app', 'victim', '--type', 'restart', '--json']);
  assert.match(events.stdout, /restarted by the user/, 'the control socket\'s own restart ran');
  // Same cookie, no CSRF token (what another site's form or fetch would send): refused.
  const refused = await page.evaluate(async () => (await fetch('/api/apps/victim/stop', { method: 'POST', credentials: 'same-origin' })).status);
  assert.equal(refused, 403);
  const [cookie] = await browser.context.cookies(base);
  const forged = await fetch(`${base}/api/apps/victim/stop`, { method: 'POST', headers: { cookie: `${cookie!.name}=${cookie!.value}`, 'x-csrf-token': 'x'.repeat(43) } });
  assert.equal(forged.status, 403);
  assert.equal((await fetch(`${base}/api/apps/victim/stop`, { method: 'POST' })).status, 401);
  assert.equal((await home.json<{ name: string; state: string }[]>(['status'])).find((s) => s.name === 'victim')?.state, 'online', 'still running');
  await page.close();
});

test('an attack line with <script>, <img onerror> and terminal escapes shows as text and runs nothing', async () => {
  const page = await loggedIn();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  const cell = page.locator('#security tbody tr td.line').filter({ hasText: '198.51.100.23' }).first();
  await cell.waitFor();
  const text = await cell.textContent() ?? '';
  assert.ok(text.includes('<script>window.__pwned=1</script>'), `markup shown as written: ${text}`);
  assert.ok(text.includes('<img src=x onerror=window.__pwned=2>'), 'the img tag shown as text');
  assert.ok(text.includes('\\x1b[31m\\x1b[2J'), 'terminal escapes shown as visible text');
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined, 'nothing ran');
  assert.equal(await page.locator('#security img, #security script, #timeline img').count(), 0, 'no element came from the line');
  await page.locator('#f-ip').fill('198.51.100.23');
  await waitFor('the IP filter', async () => (await page.locator('#security tbody tr').count()) >= 1);
  assert.equal(await page.locator('#offenders tbody tr').filter({ hasText: '198.51.100.23' }).count(), 1, 'an offender');
  await page.screenshot({ path: artifact('dashboard-hostile.png'), fullPage: true });
  assert.deepEqual(problems.filter((p) => !/favicon/.test(p)), []);
  await page.close();
});

test('the assets are self-contained and at most 150 KB gzipped in all', async () => {
  const [cookie] = await browser.context.cookies(base);
  let total = 0;
  for (const path of ['/', '/assets/dashboard.js', '/assets/dashboard.css']) {
    const res = await fetch(`${base}${path}`, { headers: { cookie: `${cookie!.name}=${cookie!.value}`, 'accept-encoding': 'gzip' } });
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    total += Number(res.headers.get('content-length'));
    const body = await res.text();
    assert.ok(!/(src|href)=["']?(https?:)?\/\//.test(body), `${path} loads nothing from elsewhere`);
    assert.ok(!/innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(body), `${path} never parses HTML`);
  }
  assert.ok(total <= 150 * 1024, `${total} bytes gzipped`);
});
