// What each path serves and who may have it:
//   GET  /metrics                    open on loopback (unless metricsAuth), else Bearer token or session
//   GET  /?token=...  POST /login    the token once: a session cookie, then a redirect to /
//   GET  /                           the dashboard (session), else 401 and the login form
//   GET  /assets/*                   the page's script and styles (public, nothing secret in them)
//   GET  /api/stream                 server-sent events (session or Bearer)
//   POST /api/apps/<app>/<action>    restart | stop | reload (session + CSRF token, or Bearer)
//   POST /logout                     ends the session
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Asset } from './assets.js';
import { dashboardAssets, loginAsset } from './assets.js';
import type { Auth } from './auth.js';
import { APP_ACTIONS, type AppAction, type DaemonView } from './daemon-view.js';
import type { MetricsRegistry } from './metrics.js';
import type { LiveStream } from './stream.js';

const MAX_FORM_BYTES = 4096;
const APP_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export interface RouteDeps {
  view: DaemonView;
  auth: Auth;
  stream: LiveStream;
  metrics: MetricsRegistry;
  /** /metrics without a token (loopback listen, metricsAuth off). */
  metricsOpen: boolean;
}

export class Routes {
  constructor(private readonly d: RouteDeps) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path === '/metrics' && method === 'GET') return this.metrics(req, res);
    if (path === '/favicon.ico') { res.writeHead(204).end(); return; }
    const asset = path.startsWith('/assets/') ? dashboardAssets().get(path) : undefined;
    if (asset !== undefined && method === 'GET') { serveAsset(req, res, asset, 200); return; }
    if (path === '/' && method === 'GET') return this.dashboard(req, res, url);
    if (path === '/login' && method === 'POST') return this.login(req, res);
    if (path === '/logout' && method === 'POST') { res.writeHead(303, { location: '/', 'set-cookie': this.d.auth.clearCookie() }).end(); return; }
    if (path === '/api/stream' && method === 'GET') return this.streamTo(req, res);
    const action = /^\/api\/apps\/([^/]+)\/([a-z]+)$/.exec(path);
    if (action && method === 'POST') return this.act(req, res, decodeURIComponent(action[1]!), action[2]!);
    json(res, 404, { error: 'not found' });
  }

  private async metrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.d.metricsOpen && !this.d.auth.bearer(req) && this.d.auth.session(req) === null) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="bulwark"' })
        .end(this.d.auth.enabled ? 'a token is needed: Authorization: Bearer <http.token>\n' : 'set http.token to read /metrics here\n');
      return;
    }
    const text = await this.d.metrics.render();
    res.writeHead(200, { 'content-type': this.d.metrics.contentType, 'cache-control': 'no-store' }).end(text);
  }

  private dashboard(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const token = url.searchParams.get('token');
    if (token !== null) {
      // The token leaves the address bar (and history) at once: a cookie from now on.
      if (this.d.auth.checkToken(token)) { res.writeHead(303, { location: '/', 'set-cookie': this.d.auth.newSessionCookie() }).end(); return; }
      serveAsset(req, res, loginAsset('wrong token'), 401);
      return;
    }
    if (this.d.auth.session(req) === null) {
      serveAsset(req, res, loginAsset(this.d.auth.enabled ? '' : 'no-token'), 401);
      return;
    }
    serveAsset(req, res, dashboardAssets().get('/')!, 200, { 'cache-control': 'no-store' });
  }

  private async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_FORM_BYTES);
    const token = body === null ? null : new URLSearchParams(body).get('token');
    if (this.d.auth.checkToken(token)) { res.writeHead(303, { location: '/', 'set-cookie': this.d.auth.newSessionCookie() }).end(); return; }
    serveAsset(req, res, loginAsset(this.d.auth.enabled ? 'wrong token' : 'no-token'), 401);
  }

  private streamTo(req: IncomingMessage, res: ServerResponse): void {
    const session = this.d.auth.session(req);
    if (session === null && !this.d.auth.bearer(req)) { json(res, 401, { error: 'log in first' }); return; }
    this.d.stream.add(res, session === null ? null : this.d.auth.csrfFor(session));
  }

  private async act(req: IncomingMessage, res: ServerResponse, app: string, action: string): Promise<void> {
    // A Bearer header is no ambient credential (no other page can attach it); a cookie is, so it needs the CSRF token too.
    if (!this.d.auth.bearer(req)) {
      const session = this.d.auth.session(req);
      if (session === null) { json(res, 401, { error: 'log in first' }); return; }
      if (!this.d.auth.checkCsrf(session, req.headers['x-csrf-token']) || !sameOrigin(req)) { json(res, 403, { error: 'missing or wrong CSRF token' }); return; }
    }
    if (!(APP_ACTIONS as readonly string[]).includes(action)) { json(res, 404, { error: `no action ${JSON.stringify(action)} (${APP_ACTIONS.join(', ')})` }); return; }
    if (!APP_NAME.test(app)) { json(res, 400, { error: 'not an app name' }); return; }
    try {
      const result = await this.d.view.operate(action as AppAction, app);
      json(res, 200, { ok: true, result });
    } catch (err) {
      const e = err as Error & { code?: string };
      json(res, e.code === 'EUNKNOWN_APP' ? 404 : 409, { ok: false, code: e.code ?? 'EFAILED', error: e.message });
    }
  }
}

/** An Origin header, when the browser sends one, must be our own (the Host the page was loaded from). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function serveAsset(req: IncomingMessage, res: ServerResponse, a: Asset, status: number, extra: Record<string, string> = {}): void {
  if (status === 200 && req.headers['if-none-match'] === a.etag) { res.writeHead(304, { etag: a.etag }).end(); return; }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? a.gzip : a.body;
  res.writeHead(status, {
    'content-type': a.type, 'content-length': body.length, etag: a.etag, vary: 'accept-encoding',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}), ...extra,
  }).end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

/** The body as text, or null when longer than `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) { resolve(null); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}
