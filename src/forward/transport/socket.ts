// Opens the TCP or TLS stream to an endpoint, with a deadline. TLS verifies the server by default
// and nothing is written before the handshake (and its verification) succeeded.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { ForwardError, classify } from '../errors.js';
import type { EndpointSettings } from '../settings.js';

// Probes idle connections so a silently dead peer is noticed (Papertrail also drops idle ones).
const KEEPALIVE_MS = 30_000;

export async function openStream(s: EndpointSettings, secure: boolean): Promise<Socket> {
  const where = `${s.name} (${s.host}:${s.port})`;
  // node:tls loads with the first TLS endpoint, not with the daemon (see supervisor/health/http-check.ts).
  const tls = secure ? await import('node:tls') : undefined;
  return new Promise((resolve, reject) => {
    const socket: Socket = tls
      ? tls.connect({
        host: s.host, port: s.port,
        ca: s.tls.ca, cert: s.tls.cert, key: s.tls.key,
        servername: s.tls.servername ?? (isIP(s.host) ? undefined : s.host),
        rejectUnauthorized: s.tls.rejectUnauthorized,
      })
      : netConnect({ host: s.host, port: s.port });
    const deadline = AbortSignal.timeout(s.timeoutMs);
    const timedOut = (): void => fail(new ForwardError('EFWD_TIMEOUT', `${where}: no connection within ${s.timeoutMs} ms`));
    const fail = (err: unknown) => {
      deadline.removeEventListener('abort', timedOut);
      socket.destroy();
      reject(classify(err, where));
    };
    deadline.addEventListener('abort', timedOut, { once: true });
    socket.once('error', fail);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      deadline.removeEventListener('abort', timedOut);
      socket.off('error', fail);
      socket.setKeepAlive(true, KEEPALIVE_MS);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}
