// Messages of the daemons whose logins bulwark reads (besides sshd): FTP (proftpd, vsftpd,
// pure-ftpd), mail (dovecot, postfix SASL), Drupal's syslog module and PAM. Each sets the outcome
// itself; a message of a known daemon that none of its forms match is not a login (the generic
// "login failed" wording does not apply: "SASL LOGIN authentication failed: Connection lost to
// authentication server" is a broken auth service, not a guess).
//
// As for sshd, the client address comes from the field the daemon fills itself, never from text a
// client chose (user names come first in these messages: each rule takes the last or the leading field).
import { AuthOutcome, type ParsedLine } from './parsed.js';
import { normaliseIp } from './ip.js';
import { readPamFields } from './sshd.js';
import type { SyslogHeader } from './syslog.js';

/** Daemon families whose messages are read here; `program` holds the family name for them. */
export type Daemon = 'proftpd' | 'vsftpd' | 'pure-ftpd' | 'dovecot' | 'postfix' | 'drupal' | 'pam';

const DOVECOT_PROGRAMS = new Set(['dovecot', 'dovecot-auth', 'auth', 'auth-worker', 'imap-login', 'pop3-login',
  'managesieve-login', 'submission-login', 'imap', 'pop3', 'managesieve', 'submission', 'lmtp']);

/** Which family reads this message, if any. */
export function daemonOf(h: SyslogHeader): Daemon | null {
  const p = h.program;
  if (h.args === 'pam_unix') return 'pam'; // `sshd(pam_unix)[12]:`, `vsftpd(pam_unix)[3]:` (pre-0.99 PAM)
  if (p === 'proftpd') return 'proftpd';
  if (p === 'vsftpd') return 'vsftpd';
  if (p === 'pure-ftpd') return 'pure-ftpd';
  if (DOVECOT_PROGRAMS.has(p)) return 'dovecot';
  if (p.startsWith('postfix')) return 'postfix';
  if (DRUPAL.test(h.message)) return 'drupal';
  if (GENERIC_PAM.test(h.message)) return 'pam';
  return null;
}

/** Reads a known daemon's message into `out` (ip, user, outcome, attempts). */
export function parseDaemonMessage(daemon: Daemon, h: SyslogHeader, out: ParsedLine): void {
  out.program = daemon;
  const msg = h.message;
  switch (daemon) {
    case 'pam': return pam(msg, out);
    case 'proftpd': return proftpd(msg, out);
    case 'vsftpd': return vsftpd(msg, out);
    case 'pure-ftpd': return pureFtpd(msg, out);
    case 'dovecot': return dovecot(h, out);
    case 'postfix': return postfix(msg, out);
    case 'drupal': return drupal(msg, out);
  }
}

function fail(out: ParsedLine, ip: string | null, user: string | null): void {
  out.ip = ip === null ? null : normaliseIp(ip);
  out.user = user !== null && user.length > 0 ? user : null;
  out.auth = AuthOutcome.Failure;
}

// `pam_unix(svc:auth): authentication failure; ...`, `(pam_unix) authentication failure; ...` (vsftpd)
const GENERIC_PAM = /^(?:\(pam_unix\) |pam_[a-z0-9_]{1,32}\([\w-]{1,32}:auth\): )?authentication failure; logname=/;

/** A PAM module's failure: a remote login only when it names the remote host (su, gdm, login do not). */
function pam(msg: string, out: ParsedLine): void {
  if (!GENERIC_PAM.test(msg)) return;
  const { rhost, user } = readPamFields(msg);
  if (rhost !== null) fail(out, rhost, user);
}

// `SERVER (CLIENT-NAME[CLIENT-IP]): MESSAGE` or `... (NAME[IP]) - MESSAGE`: the session prefix comes first.
const PROFTPD = /^\S+ \(([^\s()[\]]*)\[([0-9A-Fa-f:.]{2,45})\]\)(?::| -) (.*)$/;
const PROFTPD_FAILURE = /^(?:USER (.*?)(?: \(Login failed\):|: no such user found from )|SECURITY VIOLATION: (\S+) login attempted|Maximum login attempts \(\d+\) exceeded)/;

function proftpd(msg: string, out: ParsedLine): void {
  const m = PROFTPD.exec(msg);
  if (!m) return;
  const f = PROFTPD_FAILURE.exec(m[3]!);
  if (f) fail(out, m[2]!, f[1] ?? f[2] ?? null);
  else out.ip = normaliseIp(m[2]!);
}

function vsftpd(msg: string, out: ParsedLine): void {
  // `[pid 1] [user] FAIL LOGIN: Client "A"[, "reason"]`: the user is bracketed client text, so the last marker.
  const at = msg.lastIndexOf(' FAIL LOGIN: Client "');
  if (at >= 0) {
    const start = at + 21;
    const end = msg.indexOf('"', start);
    const user = /^(?:\[pid \d+\] )?\[(.*)\]$/.exec(msg.slice(0, at));
    if (end > start) fail(out, msg.slice(start, end), user ? user[1]! : null);
    return;
  }
  pam(msg, out);
}

const PURE_FTPD = /^\((.*?)@([0-9A-Fa-f:.]{2,45})\) \[WARNING\] Authentication failed for user \[(.*)\]\s*$/;

function pureFtpd(msg: string, out: ParsedLine): void {
  const m = PURE_FTPD.exec(msg);
  if (m) fail(out, m[2]!, m[3]!);
}

// Nested tags dovecot writes inside its own message, and `Info: `.
const DOVECOT_PREFIX = /^(?:(?:dovecot|auth|auth-worker|[a-z0-9]+-login)(?:\([^()\s]*\))?: |Info: |conn unix:auth-worker \([^()]*\): auth-worker<\d+>: )+/;
// Login process summary: `REASON (auth failed, N attempts[ in S secs]): user=<U>, method=M, rip=A, lip=B, ...`
const LOGIN_FAILED = /\((?:auth failed, (\d{1,6}) attempts?\b[^()]*|tried to use (?:disabled|disallowed) [\w-]{1,32} auth|proxy dest auth failed)\)/;
// Auth backend: `pam(U,A[,<session>]): REASON`, `sql(U,A,<s>): Password mismatch`, `ldap(U,A,): invalid credentials`
const BACKEND = /^([a-z][\w-]{0,31})\((.*),([0-9A-Fa-f:.]{2,45})(?:,[^,()]*)?\): (.*)$/;
const BACKEND_FAILURE = /^(?:unknown user|[Pp]assword mismatch|pam_authenticate\(\) failed: (?:Authentication failure|User not known|Permission denied)|[Ii]nvalid credentials)/;
// dovecot 2.4 puts the session in the tag: `auth(U,A,sasl:login)<id>: Info: sql: Password mismatch`
const TAG_ARGS = /^(.*),([0-9A-Fa-f:.]{2,45}),[^,]*$/;

function dovecot(h: SyslogHeader, out: ParsedLine): void {
  let msg = h.message;
  const prefix = DOVECOT_PREFIX.exec(msg);
  if (prefix) msg = msg.slice(prefix[0].length);
  if (GENERIC_PAM.test(msg)) return pam(msg, out);
  const fields = firstField(msg);
  if (fields >= 0) {
    const reason = msg.slice(0, fields);
    const rip = lastValue(msg, 'rip=');
    const m = LOGIN_FAILED.exec(reason);
    if (m) {
      fail(out, rip, valueIn(msg, 'user=<', '>'));
      if (m[1] !== undefined) out.attempts = Math.max(1, Number(m[1]));
    } else if (rip !== null) out.ip = normaliseIp(rip);
    return;
  }
  const b = BACKEND.exec(msg);
  if (b) {
    if (BACKEND_FAILURE.test(b[4]!)) fail(out, b[3]!, b[2]!);
    return;
  }
  if (h.program === 'auth' && h.args !== null) {
    const t = TAG_ARGS.exec(h.args);
    const reason = msg.replace(/^[a-z][\w-]{0,31}: /, '');
    if (t && BACKEND_FAILURE.test(reason)) fail(out, t[2]!, t[1]!);
  }
}

/** Where `: user=<`, `: method=` or `: rip=` starts the field list of a login process summary, else -1. */
function firstField(msg: string): number {
  let best = -1;
  for (const marker of ['): user=<', '): method=', '): rip=', ': rip=']) {
    const i = msg.indexOf(marker);
    if (i >= 0 && (best < 0 || i < best)) best = marker.startsWith(')') ? i + 1 : i;
  }
  return best;
}

/** The value after the last `key` (up to `,` or the end): fields after the user's are the daemon's own. */
function lastValue(msg: string, key: string): string | null {
  const at = msg.lastIndexOf(key);
  if (at < 0 || (at > 0 && msg.charCodeAt(at - 1) !== 32)) return null;
  const end = msg.indexOf(',', at);
  return msg.slice(at + key.length, end < 0 ? undefined : end).trim() || null;
}

function valueIn(msg: string, open: string, close: string): string | null {
  const a = msg.indexOf(open);
  if (a < 0) return null;
  const b = msg.indexOf(close, a + open.length);
  return b < 0 ? null : msg.slice(a + open.length, b);
}

// `warning: NAME[A]: SASL METHOD authentication failed: REASON` (NAME is the client's reverse DNS name)
const POSTFIX_SASL = /^warning: [^\s[\]]*\[([0-9A-Fa-f:.]{2,45})\](?::\d{1,5})?: SASL [\w-]{1,32} authentication failed:(.*)$/;
// Not a guessed password: the auth service is down, or the client asked for a mechanism we do not offer.
const SASL_NOT_A_GUESS = /Connection lost to authentication server|Invalid authentication mechanism/;

function postfix(msg: string, out: ParsedLine): void {
  const m = POSTFIX_SASL.exec(msg);
  if (!m) return;
  if (SASL_NOT_A_GUESS.test(m[2]!)) {
    out.ip = normaliseIp(m[1]!);
    return;
  }
  const user = /sasl_username=(\S+)/.exec(m[2]!);
  fail(out, m[1]!, user ? user[1]! : null);
}

// Drupal's syslog module: `BASE_URL|TIMESTAMP|TYPE|IP|REQUEST_URI|REFERER|UID|LINK|MESSAGE`.
const DRUPAL = /^https?:\/\/[^|\s]*\|\d{1,12}\|[\w ]{1,64}\|[0-9A-Fa-f:.]{2,45}\|/;
const DRUPAL_FAILED = /^Login attempt failed (?:for|from) (.+?)\.?$/;

function drupal(msg: string, out: ParsedLine): void {
  // The IP is the fourth field, before anything a client sent; the message is the last field (the
  // request URI and referer in between may hold `|` and fake messages, never after the real one).
  const parts = msg.split('|', 4);
  const message = msg.slice(msg.lastIndexOf('|') + 1);
  const m = parts[2] === 'user' ? DRUPAL_FAILED.exec(message) : null;
  if (m) fail(out, parts[3]!, m[1]!);
  else out.ip = normaliseIp(parts[3]!);
}
