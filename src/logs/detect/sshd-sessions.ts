// sshd lines -> login attempts. One attempt counts once, however many lines OpenSSH writes for it.
//
// A session is one sshd process: (file, syslog host, pid), renewed when a line names another client
// address or port (pids are reused) and after `Connection from`. Within a session:
// - `Failed <method>` is an attempt, except the first one after `Invalid user`, `error: PAM: ...`
//   or `not allowed because` for the same user: those lines already counted that attempt.
// - `pam_unix(sshd:auth): authentication failure` waits: the `Failed` line that normally follows
//   counts it. It becomes an attempt when the session moves on to another user, ends without a
//   success, or accepts another user (the failures of a session that then succeeds for a second
//   account are not forgotten). A success for the same user forgets it (pam_unix failing before
//   pam_ldap succeeds).
// - Rejected public keys of a valid user are not failures (clients offer every key they have),
//   unless the server ends the session with `Too many authentication failures`.
// - `Too many authentication failures` / `maximum authentication attempts exceeded` / a client's
//   `Auth fail` count only what the session has not counted yet (at least one attempt if nothing).
// - A line that counts before the session knows the client address (`Disconnecting: Too many
//   authentication failures`, `account is locked`) waits for the first line that names it.
import { AuthOutcome, SshdKind, type ParsedLine } from '../parse/index.js';

interface Session {
  /** The file (or app stream) the session's lines come from. */
  source: string;
  ip: string | null;
  port: number;
  /** Attempts counted so far. */
  counted: number;
  /** User of a counted `Invalid user`-like line whose `Failed` line has not come yet ('' for an empty name). */
  announced: string | null;
  /** pam_unix failures not yet matched by a `Failed` line, and their user. */
  pam: number;
  pamUser: string | null;
  /** Public keys of a valid user the server rejected. */
  keys: number;
  /** Attempts waiting for the session's address, and their user. */
  waiting: number;
  waitingUser: string | null;
  accepted: boolean;
}

/** Sessions kept at once; the oldest is forgotten first (a session's lines are usually seconds apart). */
const MAX_SESSIONS = 20_000;

function sameUser(a: string | null, b: string | null): boolean {
  return a === null || b === null || a === '' || b === '' || a === b;
}

export class SshdSessions {
  private readonly sessions = new Map<string, Session>();

  get size(): number {
    return this.sessions.size;
  }

  /**
   * Decides what this sshd line (p.sshd set by the parser) adds: sets `p.auth` (Failure with
   * `p.attempts` attempts, Success, or None), and fills `p.ip`/`p.user` from the session when the
   * attempts it releases were announced by earlier lines.
   */
  settle(p: ParsedLine, source: string): void {
    if (p.pid === null) {
      // No pid, no session: each line stands alone.
      p.auth = p.sshd === SshdKind.Accepted ? AuthOutcome.Success
        : p.sshd === SshdKind.RejectedKey || p.sshd === SshdKind.Closed || p.sshd === SshdKind.Connection ? AuthOutcome.None : AuthOutcome.Failure;
      return;
    }
    const key = p.host === null ? p.pid : `${p.pid}\u0000${p.host}`;
    let s = this.sessions.get(key);
    if (s !== undefined && (s.source !== source || p.sshd === SshdKind.Connection
      || (p.ip !== null && s.ip !== null && (p.ip !== s.ip || (p.port !== 0 && s.port !== 0 && p.port !== s.port))))) {
      this.sessions.delete(key);
      s = undefined;
    }
    if (s === undefined) {
      if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string);
      s = { source, ip: null, port: 0, counted: 0, announced: null, pam: 0, pamUser: null, keys: 0, waiting: 0, waitingUser: null, accepted: false };
      this.sessions.set(key, s);
    }
    let failures = 0;
    let user = p.user;
    if (p.ip !== null && s.ip === null) {
      s.ip = p.ip;
      if (s.waiting > 0) {
        failures += s.waiting;
        user = s.waitingUser ?? user;
        s.waiting = 0;
      }
    }
    if (p.port !== 0 && s.port === 0) s.port = p.port;
    const n = p.attempts;
    let ended = false;
    switch (p.sshd) {
      case SshdKind.Failed: {
        let k = n;
        if (s.announced !== null && sameUser(s.announced, p.user)) {
          s.announced = null;
          k--;
        }
        failures += k;
        s.pam = Math.max(0, s.pam - n);
        break;
      }
      case SshdKind.RejectedKey:
        s.keys += n;
        break;
      case SshdKind.Refused:
        failures += n;
        s.announced = p.user ?? '';
        break;
      case SshdKind.RefusedNoAddress:
        s.announced = p.user ?? '';
        failures += this.needsAddress(s, n, p.user);
        break;
      case SshdKind.UserChange:
        failures += n;
        break;
      case SshdKind.PamFailure:
        if (s.pam > 0 && !sameUser(s.pamUser, p.user)) {
          failures += s.pam;
          user = s.pamUser;
          s.pam = 0;
        }
        s.pam += n;
        s.pamUser = p.user ?? s.pamUser;
        break;
      case SshdKind.TooMany:
      case SshdKind.GaveUp: {
        let k = s.pam + s.keys;
        if (k === 0 && s.counted === 0 && failures === 0) k = 1;
        s.pam = 0;
        s.keys = 0;
        failures += this.needsAddress(s, k, p.user ?? s.pamUser);
        ended = p.sshd === SshdKind.GaveUp && s.waiting === 0;
        break;
      }
      case SshdKind.Accepted:
        if (s.pam > 0 && !sameUser(s.pamUser, p.user)) {
          failures += s.pam;
          user = s.pamUser;
        }
        s.pam = 0;
        s.keys = 0;
        s.announced = null;
        s.accepted = true;
        break;
      case SshdKind.Closed:
        if (s.pam > 0 && !s.accepted) {
          failures += s.pam;
          user = s.pamUser;
          s.pam = 0;
        }
        ended = s.waiting === 0;
        break;
    }
    if (ended) this.sessions.delete(key);
    s.counted += failures;
    if (failures > 0) {
      p.auth = AuthOutcome.Failure;
      p.attempts = failures;
      p.ip ??= s.ip;
      p.user = user;
    } else {
      p.auth = p.sshd === SshdKind.Accepted ? AuthOutcome.Success : AuthOutcome.None;
    }
  }

  /** `n` attempts now if the session knows its address, else kept until a line names it. */
  private needsAddress(s: Session, n: number, user: string | null): number {
    if (s.ip !== null) return n;
    s.waiting += n;
    s.waitingUser ??= user;
    return 0;
  }
}
