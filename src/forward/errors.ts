// Forwarding failures, each with a code and a reason an operator can act on.
export type ForwardErrorCode = 'EFWD_DNS' | 'EFWD_REFUSED' | 'EFWD_TLS' | 'EFWD_TIMEOUT' | 'EFWD_CLOSED' | 'EFWD_PROTOCOL' | 'EFWD_IO' | 'EFWD_CONFIG' | 'EFWD_SPOOL';

export class ForwardError extends Error {
  constructor(readonly code: ForwardErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ForwardError';
  }
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ERR_SSL|HOSTNAME|ALTNAME|EPROTO/;

/** Turns a socket/TLS/DNS error into a ForwardError naming the cause (DNS, refused, TLS verification, timeout). */
export function classify(err: unknown, where: string): ForwardError {
  if (err instanceof ForwardError) return err;
  const e = err as NodeJS.ErrnoException & { reason?: string };
  const code = typeof e?.code === 'string' ? e.code : '';
  const detail = e?.message ?? String(err);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new ForwardError('EFWD_DNS', `${where}: DNS lookup failed (${code})`, { cause: err });
  }
  if (code === 'ECONNREFUSED') return new ForwardError('EFWD_REFUSED', `${where}: connection refused`, { cause: err });
  if (code === 'ETIMEDOUT') return new ForwardError('EFWD_TIMEOUT', `${where}: timed out`, { cause: err });
  if (TLS_CODES.test(code)) {
    return new ForwardError('EFWD_TLS', `${where}: TLS verification failed: ${code} (${detail})`, { cause: err });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') return new ForwardError('EFWD_CLOSED', `${where}: connection lost (${code})`, { cause: err });
  return new ForwardError('EFWD_IO', `${where}: ${code ? `${code} ` : ''}${detail}`, { cause: err });
}

/** A wait or a call on a forwarder that was closed. */
export function closedError(): ForwardError {
  return new ForwardError('EFWD_CLOSED', 'the forwarder was closed (reloaded or shutting down)');
}
