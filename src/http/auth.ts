// Who may read and act: the configured token, once (`?token=`, the login form, or an
// `Authorization: Bearer` header), then a session cookie. The cookie is stateless: its issue time
// and an HMAC of it keyed by the token, so it survives daemon restarts, costs no memory per
// session, and dies when the token changes. HttpOnly (scripts cannot read it) and SameSite=Strict
// (no other site's page can send it); the actions also need a CSRF token derived from the cookie,
// which only a page of ours can read (from the same-origin stream).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'bulwark_session';
const SESSION_MAX_AGE_S = 7 * 24 * 3600;

export class Auth {
  constructor(private readonly token: string | undefined, private readonly secure: boolean, private readonly now: () => number = Date.now) {}

  /** False when no token is configured: nothing that needs one is served. */
  get enabled(): boolean {
    return this.token !== undefined;
  }

  /** Constant-time comparison (of digests, so lengths do not leak either). */
  checkToken(candidate: string | null | undefined): boolean {
    if (this.token === undefined || typeof candidate !== 'string' || candidate.length === 0) return false;
    return timingSafeEqual(digest(candidate), digest(this.token));
  }

  /** A valid `Authorization: Bearer <token>` header. */
  bearer(req: IncomingMessage): boolean {
    const h = req.headers.authorization;
    return typeof h === 'string' && h.startsWith('Bearer ') && this.checkToken(h.slice(7).trim());
  }

  /** The Set-Cookie value of a new session. */
  newSessionCookie(): string {
    const issued = Math.floor(this.now() / 1000).toString(36);
    return this.cookie(`${issued}.${this.mac(`session:${issued}`)}`, SESSION_MAX_AGE_S);
  }

  /** The Set-Cookie value that ends the session. */
  clearCookie(): string {
    return this.cookie('', 0);
  }

  /** The request's session cookie when valid and not expired; null otherwise. */
  session(req: IncomingMessage): string | null {
    if (this.token === undefined) return null;
    const value = cookieValue(req.headers.cookie, SESSION_COOKIE);
    const m = value === null ? null : /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (m === null) return null;
    const issuedMs = Number.parseInt(m[1]!, 36) * 1000;
    const age = this.now() - issuedMs;
    if (age < -60_000 || age > SESSION_MAX_AGE_S * 1000) return null;
    return safeEqual(m[2]!, this.mac(`session:${m[1]!}`)) ? value : null;
  }

  /** The CSRF token that goes with a session. */
  csrfFor(session: string): string {
    return this.mac(`csrf:${session}`);
  }

  checkCsrf(session: string, candidate: string | string[] | undefined): boolean {
    return typeof candidate === 'string' && safeEqual(candidate, this.csrfFor(session));
  }

  private mac(what: string): string {
    return createHmac('sha256', this.token ?? '').update(what).digest('base64url');
  }

  private cookie(value: string, maxAge: number): string {
    return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${this.secure ? '; Secure' : ''}`;
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
