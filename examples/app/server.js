// bulwark's sample app: a tiny HTTP service that logs one JSON line per request (winston) and has
// routes that crash it, hang it and leak memory, plus a login and account routes and an app-level
// "WAF", so a demo can show bulwark catching crashes, hangs and attacks. Run: PORT=3000 node server.js
import { createServer } from 'node:http';
import winston from 'winston';

const PORT = Number(process.env.PORT ?? 3000);
const HOST = process.env.HOST ?? '127.0.0.1';
const PASSWORD = 'hunter2'; // the only password that works, for every user

const log = winston.createLogger({
  level: process.env.LOG_LEVEL ?? 'info',
  format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
  transports: [new winston.transports.Console()],
});

// Clients a real WAF would turn away; the app tags them so bulwark's `security.tags` picks them up.
const BAD_BOTS = /sqlmap|nikto|nmap|masscan|zgrab|acunetix|wpscan|dirbuster|gobuster|nuclei|havij|netsparker/i;
const leaked = [];

/** The client's address; X-Forwarded-For (first hop) wins so a demo can play many IPs from loopback. */
function clientIp(req) {
  const xff = req.headers['x-forwarded-for'];
  const first = typeof xff === 'string' ? xff.split(',')[0].trim() : '';
  return first || (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

function readJson(req) {
  return new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { if (body.length < 65536) body += c; });
    req.on('end', () => {
      try { resolve(JSON.parse(body || '{}')); } catch { resolve({}); }
    });
  });
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * Handles one request; returns the fields its log line should carry beyond the basics
 * (event/outcome/user for logins and account changes, category for the WAF).
 */
async function handle(req, res, ip) {
  const path = (req.url ?? '/').split('?')[0];
  const ua = req.headers['user-agent'] ?? '';
  if (BAD_BOTS.test(ua)) {
    send(res, 403, { error: 'forbidden' });
    return { message: 'blocked malicious client', category: 'malicious-traffic', reason: `bad bot user agent` };
  }
  if (req.method === 'GET' && path === '/health') {
    send(res, 200, { ok: true, uptime: process.uptime() });
    return { level: 'debug' };
  }
  if (path === '/crash') {
    send(res, 500, { crashing: true });
    // Let the response and this request's log line out, then die like an unhandled error would.
    setTimeout(() => process.exit(1), 50);
    return { level: 'error', message: 'crash requested: exiting with code 1' };
  }
  if (path === '/hang/busy') {
    log.warn('hang requested: busy loop', { ip });
    setTimeout(() => { for (;;) { /* spin: 100% CPU, no heartbeats, no responses */ } }, 20);
    send(res, 202, { hanging: 'busy' });
    return {};
  }
  if (path === '/hang/block') {
    log.warn('hang requested: blocked event loop', { ip });
    // Atomics.wait on the main thread sleeps forever at ~0% CPU: only heartbeats/probes can tell.
    setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0), 20);
    send(res, 202, { hanging: 'blocked' });
    return {};
  }
  if (path === '/leak') {
    leaked.push(Buffer.alloc(50 * 1024 * 1024, 1)); // filled, so the pages are really resident
    const rss = process.memoryUsage().rss;
    send(res, 200, { leakedMB: leaked.length * 50, rssMB: Math.round(rss / 1048576) });
    return { message: 'leaked 50 MB', rssBytes: rss };
  }
  if (req.method === 'POST' && path === '/login') {
    const { user, password } = await readJson(req);
    const name = typeof user === 'string' ? user.slice(0, 100) : '';
    const ok = name !== '' && password === PASSWORD;
    send(res, ok ? 200 : 401, ok ? { ok: true } : { error: 'invalid credentials' });
    return { message: ok ? 'login succeeded' : 'login failed', event: 'login', outcome: ok ? 'success' : 'failure', user: name || undefined };
  }
  if (req.method === 'POST' && (path === '/account/email' || path === '/account/password')) {
    const body = await readJson(req);
    const name = typeof body.user === 'string' ? body.user.slice(0, 100) : '';
    if (!name) {
      send(res, 400, { error: 'user required' });
      return {};
    }
    const what = path === '/account/email' ? 'email' : 'password';
    send(res, 200, { ok: true });
    return { message: `${what} changed`, event: `${what}-changed`, user: name };
  }
  send(res, 404, { error: 'not found' });
  return {};
}

const server = createServer((req, res) => {
  const started = Date.now();
  const ip = clientIp(req);
  handle(req, res, ip).then((extra) => {
    const { level = res.statusCode >= 500 ? 'error' : 'info', message = 'request', ...fields } = extra;
    log.log(level, message, {
      ip, method: req.method, url: req.url, status: res.statusCode,
      userAgent: req.headers['user-agent'] ?? '', durationMs: Date.now() - started, ...fields,
    });
  }, (err) => {
    log.error('request failed', { ip, method: req.method, url: req.url, error: err.message });
    if (!res.headersSent) send(res, 500, { error: 'internal' });
  });
});

server.listen(PORT, HOST, () => log.info('listening', { port: PORT, host: HOST, pid: process.pid }));

// Heartbeats for bulwark's `health.heartbeat` probe: only when started with an IPC channel.
if (process.send) setInterval(() => process.send?.({ bulwark: 'heartbeat' }), 1000).unref();

process.on('SIGTERM', () => {
  log.info('SIGTERM: closing');
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
