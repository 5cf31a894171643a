// The daemon's HTTP side (config `http:`): /metrics for Prometheus and the dashboard at /.
// Listens where the config says, with TLS when given (required off loopback, see
// config/schema/http.ts). Every response carries a strict Content-Security-Policy; on loopback the
// Host header must name loopback too (a DNS-rebinding page cannot read us).
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isLoopback, parseListen, type HttpConfig } from '../config/schema/http.js';
import { Auth } from './auth.js';
import type { DaemonView } from './daemon-view.js';
import { UsageHistory } from './history.js';
import { MetricsRegistry } from './metrics.js';
import { Routes } from './routes.js';
import { LiveStream } from './stream.js';
import { instanceKey } from './view-model.js';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export interface HttpServerOptions {
  onError(err: Error): void;
  /** Injected for benches and tests; the server samples into it every stepMs. */
  history?: UsageHistory;
}

export class HttpServer {
  private readonly server: Server;
  private readonly history: UsageHistory;
  private readonly stream: LiveStream;
  private readonly routes: Routes;
  private readonly loopback: boolean;
  private sampleTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly cfg: HttpConfig, private readonly view: DaemonView, private readonly opts: HttpServerOptions) {
    const listen = parseListen(cfg.listen);
    if (listen === undefined) throw new Error(`http.listen ${JSON.stringify(cfg.listen)} is not host:port`);
    this.loopback = isLoopback(listen.host);
    const auth = new Auth(cfg.token, cfg.tls !== undefined);
    this.history = opts.history ?? new UsageHistory();
    this.stream = new LiveStream(view, this.history);
    this.routes = new Routes({ view, auth, stream: this.stream, metrics: new MetricsRegistry(view), metricsOpen: this.loopback && !cfg.metricsAuth });
    const handler = (req: IncomingMessage, res: ServerResponse): void => this.handle(req, res);
    this.server = cfg.tls
      ? createHttpsServer({ cert: readFileSync(cfg.tls.cert), key: readFileSync(cfg.tls.key), minVersion: 'TLSv1.2' }, handler)
      : createHttpServer(handler);
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
    this.server.keepAliveTimeout = 5_000;
    // A client that fails TLS or sends garbage is its own problem, not the daemon's.
    this.server.on('clientError', (_err, socket) => socket.destroy());
  }

  /** Listens; resolves with the bound address (port 0 in the config picks a free port). */
  async start(): Promise<{ host: string; port: number; url: string }> {
    const listen = parseListen(this.cfg.listen)!;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(listen.port, listen.host, () => { this.server.off('error', reject); resolve(); });
    });
    this.server.on('error', (err) => this.opts.onError(err));
    this.sampleSoon();
    const addr = this.server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return { host: addr.address, port: addr.port, url: `${this.cfg.tls ? 'https' : 'http'}://${host}:${addr.port}` };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.sampleTimer);
    this.stream.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** One timer for every instance: a history sample per step, on the step grid. */
  private sampleSoon(): void {
    if (this.closed) return;
    const step = this.history.stepMs;
    this.sampleTimer = setTimeout(() => {
      // Fresh CPU and memory for the step (one /proc pass for every app), then the record.
      void this.view.sampleNow(step / 2).then(() => this.sample()).catch((err: Error) => this.opts.onError(err)).finally(() => this.sampleSoon());
    }, step - (Date.now() % step));
    this.sampleTimer.unref();
  }

  private sample(): void {
    const keys = new Set<string>();
    for (const i of this.view.instances()) {
      const key = instanceKey(i);
      keys.add(key);
      const up = i.state === 'online';
      this.history.record(key, up ? i.cpu : null, up ? i.memoryBytes : null);
    }
    this.history.retain(keys);
    this.stream.sampled();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (this.cfg.tls) res.setHeader('strict-transport-security', 'max-age=31536000');
    if (this.loopback && !loopbackHost(req.headers.host)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end('this server answers only to loopback host names\n');
      return;
    }
    this.routes.handle(req, res).catch((err: Error) => {
      this.opts.onError(err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('internal error\n');
    });
  }
}

/** localhost, 127.x.y.z or [::1], with or without a port. */
function loopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::\d+)?$/.exec(host);
  const name = m?.[1] ?? m?.[2];
  return name !== undefined && isLoopback(name.toLowerCase());
}
