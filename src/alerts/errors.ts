// Errors the alert module throws or records; each carries a code callers can branch on.
export type AlertErrorCode =
  | 'EALERT_HTTP'       // webhook answered with a non-2xx status
  | 'EALERT_TIMEOUT'    // a delivery attempt took longer than the channel's timeout
  | 'EALERT_SEND'       // network / SMTP / spawn failure
  | 'EALERT_EXIT'       // exec channel: the command exited non-zero or by a signal
  | 'EALERT_NO_FORWARDER' // syslog channel without a forwarder wired in
  | 'EALERT_CONFIG';    // a channel's settings cannot work (bad SMTP URL, ...)

export class AlertError extends Error {
  constructor(readonly code: AlertErrorCode, message: string) {
    super(message);
    this.name = 'AlertError';
  }
}

/** The message of anything thrown, with `secret` (a password) masked wherever it appears. */
export function errorMessage(err: unknown, secret?: string): string {
  let m = err instanceof Error ? err.message : String(err);
  if (secret) m = m.split(secret).join('***');
  return m;
}
