// Real loopback receivers for alert tests: a webhook HTTP server that can be "down" (503) and an SMTP relay.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Alert } from '../../../src/alerts/alert.js';

export interface WebhookHit {
  at: number;
  body: { text: string; username?: string; bulwark: Alert };
  headers: Record<string, string | string[] | undefined>;
}

export interface WebhookReceiver {
  url: string;
  hits: WebhookHit[];
  /** Requests answered 503 while down. */
  refused: number;
  down: boolean;
  close(): Promise<void>;
}

export async function startWebhook(): Promise<WebhookReceiver> {
  const r: WebhookReceiver = { url: '', hits: [], refused: 0, down: false, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (r.down) { r.refused++; res.writeHead(503).end('down'); return; }
      r.hits.push({ at: Date.now(), body: JSON.parse(Buffer.concat(chunks).toString('utf8')), headers: req.headers });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/secret-token`;
  r.close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return r;
}

export interface SmtpMessage {
  from: string;
  to: string[];
  user?: string;
  raw: string;
}

export interface SmtpReceiver {
  port: number;
  messages: SmtpMessage[];
  close(): Promise<void>;
}

/** An SMTP relay on loopback; with `password`, AUTH is required and must match (user "alerts"). */
export async function startSmtp(password?: string): Promise<SmtpReceiver> {
  const messages: SmtpMessage[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: password ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !password,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'alerts' && auth.password === password) cb(null, { user: auth.username });
      else cb(new Error('invalid credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const user = typeof session.user === 'string' ? session.user : undefined;
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((a) => a.address),
          ...(user ? { user } : {}),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, messages, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
