// `http:` — the Prometheus endpoint (/metrics) and the dashboard (/). Off unless the section is
// there. Owned by src/http. Anything beyond loopback must be authenticated and encrypted: the
// dashboard can restart apps, and /metrics names every app.
import { isIP } from 'node:net';
import { z } from 'zod';

/** The shortest token accepted: 128 bits as hex, so guessing is not an option. */
export const MIN_TOKEN_CHARS = 32;
const TOKEN_HINT = 'generate one with `openssl rand -hex 32` and write token: "${BULWARK_HTTP_TOKEN}" (secrets come from the environment)';

/** host:port with an IP literal ([::1]:9209 for IPv6) or `localhost`; port 0 picks a free one. */
export interface ListenAddress { host: string; port: number }

export function parseListen(listen: string): ListenAddress | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(listen);
  if (!m) return undefined;
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  if (host !== 'localhost' && isIP(host) === 0) return undefined;
  if (m[1] !== undefined && isIP(host) !== 6) return undefined;
  return { host, port };
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

export const httpSchema = z.strictObject({
  listen: z.string().default('127.0.0.1:9209'),
  /** Required for the dashboard, and for /metrics off loopback or with metricsAuth. */
  token: z.string().optional(),
  tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
  /** Ask for the token on /metrics on loopback too. */
  metricsAuth: z.boolean().default(false),
}).superRefine((h, ctx) => {
  const addr = parseListen(h.listen);
  if (addr === undefined) {
    ctx.addIssue({ code: 'custom', path: ['listen'], message: `expected host:port with an IP address or localhost, got ${JSON.stringify(h.listen)}`, params: { hint: 'e.g. 127.0.0.1:9209, [::1]:9209 or 0.0.0.0:9209 (with token and tls)' } });
    return;
  }
  if (h.token !== undefined && h.token.length < MIN_TOKEN_CHARS) {
    ctx.addIssue({ code: 'custom', path: ['token'], message: `the token has ${h.token.length} characters; at least ${MIN_TOKEN_CHARS} are needed`, params: { hint: TOKEN_HINT } });
  }
  if (isLoopback(addr.host)) return;
  // Off loopback, anyone on the network can connect: both are required, not advised.
  if (h.token === undefined) {
    ctx.addIssue({ code: 'custom', path: ['token'], message: `listen ${h.listen} is not loopback: a token is required`, params: { hint: TOKEN_HINT } });
  }
  if (h.tls === undefined) {
    ctx.addIssue({ code: 'custom', path: ['tls'], message: `listen ${h.listen} is not loopback: tls (cert and key files) is required`, params: { hint: 'add tls: { cert: /path/cert.pem, key: /path/key.pem }, or listen on 127.0.0.1 behind a TLS proxy' } });
  }
});

export type HttpConfig = z.output<typeof httpSchema>;
