// OpenSSH messages (`sshd[pid]:`, and `sshd-session[pid]:` since OpenSSH 9.8): what each says about
// its session. detect/sshd-sessions.ts then decides which lines are attempts (one attempt counts once).
//
// The client address is taken only from where OpenSSH writes it, never from text a client chose:
// - `Failed|Accepted <method> for [invalid user ]U from A port P ssh2[: INFO]`: OpenSSH cuts the user
//   name at the first ':' (auth2.c keeps `user:style`), so the first ": " ends the part it formatted
//   and starts INFO (a key fingerprint, or a client-supplied host name for hostbased). In that part
//   the address is after the last ` from `: a user name can hold ` from 10.0.0.1 port 1 ssh2`, but
//   only before the real one.
// - Lines that end with the address (`Connection closed by [invalid user U ]A port P [preauth]`) take
//   the last token; `pam_unix` lines the last ` rhost=` (only `user=`, a real account, follows it).
import { AuthOutcome, SshdKind, type ParsedLine } from './parsed.js';
import { normaliseIp } from './ip.js';

// `[ID 800047 auth.info] ` (Solaris), `kernel: [  970.699396] ` (journal oddities fail2ban has seen)
const NOISE = /^(?:\[ID \d+ [\w.]+\] |kernel: ?\[ *\d+\.\d+\]:? ?)/;
const REPEATED = /^message repeated (\d{1,6}) times: \[ ?(.*?)\]?$/;
// The end of a line OpenSSH formats as `A[ port P][ on B port Q][ rdomain "x"][ ssh2][ [preauth]]`.
const ADDRESS_TAIL = /^(\S+?)(?: port (\d{1,5}))?(?: on \S+ port \d{1,5})?(?: rdomain "[^"]*")?(?: ssh\d?)?(?: \[preauth\])?\s*$/;
const RECEIVED_DISCONNECT = /^Received disconnect from (\S+?)(?: port (\d{1,5}))?: ?(\d{1,3}): (.*)$/;
const PAM_PREFIX = /^PAM: (?:[Aa]uthentication (?:failure|error)|User not known to the underlying authentication module) for /;
const PAM_MODULE = /^pam_[a-z0-9_]+\(sshd:auth\): authentication failure;/;

/** Classifies one sshd message into `out` (sshd kind, outcome as the line says it, ip, user, port, attempts). */
export function parseSshdMessage(message: string, out: ParsedLine): void {
  let msg = message;
  const noise = NOISE.exec(msg);
  if (noise) msg = msg.slice(noise[0].length);
  if (msg.startsWith('message repeated ')) {
    const r = REPEATED.exec(msg);
    if (r) {
      out.attempts = Math.max(1, Number(r[1]));
      msg = r[2]!;
    }
  }
  if (msg.startsWith('error: ') || msg.startsWith('fatal: ')) msg = msg.slice(7);
  out.message = message;
  const kind = classify(msg, out);
  out.sshd = kind;
  out.auth = kind === SshdKind.Accepted ? AuthOutcome.Success
    : kind === SshdKind.Failed || kind === SshdKind.Refused || kind === SshdKind.UserChange ? AuthOutcome.Failure : AuthOutcome.None;
}

function classify(msg: string, out: ParsedLine): SshdKind {
  switch (msg.charCodeAt(0)) {
    case 70: /* F */
      if (msg.startsWith('Failed ')) return authLine(msg, 7, out, false);
      break;
    case 65: /* A */
      if (msg.startsWith('Accepted ')) return authLine(msg, 9, out, true);
      break;
    case 73: /* I */
    case 105: /* i */
      if (msg.startsWith('Invalid user ') || msg.startsWith('Illegal user ') || msg.startsWith('invalid user ')) {
        if (!fromAddress(msg.slice(13), out, true)) return SshdKind.None;
        return SshdKind.Refused;
      }
      break;
    case 85: /* U */
      if (msg.startsWith('User ')) {
        const reason = msg.lastIndexOf(' not allowed because ');
        if (reason < 0) break;
        const who = msg.slice(5, reason);
        const from = who.indexOf(' from ');
        if (from < 0) {
          out.user = who || null;
          return SshdKind.RefusedNoAddress;
        }
        out.user = who.slice(0, from) || null;
        return addressAtEnd(who.slice(from + 6), out) ? SshdKind.Refused : SshdKind.None;
      }
      break;
    case 82: /* R */
      if (msg.startsWith('ROOT LOGIN REFUSED FROM ')) {
        out.user = 'root';
        return addressAtEnd(msg.slice(24), out) ? SshdKind.Refused : SshdKind.None;
      }
      if (msg.startsWith('Received disconnect from ')) {
        const m = RECEIVED_DISCONNECT.exec(msg);
        if (!m) break;
        setAddress(m[1]!, m[2], out);
        return m[3] === '3' && /\bAuth fail\b/.test(m[4]!) ? SshdKind.GaveUp : SshdKind.Closed;
      }
      break;
    case 114: /* r */
      if (msg.startsWith('refused connect from ')) {
        const m = /\(([^()\s]+)\)\s*$/.exec(msg);
        return m && setAddress(m[1]!, undefined, out) ? SshdKind.Refused : SshdKind.None;
      }
      break;
    case 80: /* P */
      if (msg.startsWith('PAM: ')) {
        const m = PAM_PREFIX.exec(msg);
        if (!m) break;
        let rest = msg.slice(m[0].length).trimEnd();
        const via = rest.lastIndexOf(' via ');
        if (via > 0 && rest.indexOf(' ', via + 5) < 0) rest = rest.slice(0, via);
        return fromAddress(rest, out, true) ? SshdKind.Refused : SshdKind.None;
      }
      break;
    case 112: /* p */
      if (PAM_MODULE.test(msg)) return pamFailure(msg, out);
      break;
    case 68: /* D */
      if (msg.startsWith('Disconnecting')) return disconnecting(msg, out);
      if (msg.startsWith('Disconnected from ')) return closed(msg.slice(18), out);
      break;
    case 109: /* m */
      if (msg.startsWith('maximum authentication attempts exceeded for ')) {
        return fromAddress(msg.slice(45), out, true) ? SshdKind.TooMany : SshdKind.None;
      }
      break;
    case 67: /* C */
      if (msg.startsWith('Connection from ')) {
        const m = /^Connection from (\S+)(?: port (\d{1,5}))?/.exec(msg);
        return m && setAddress(m[1]!, m[2], out) ? SshdKind.Connection : SshdKind.None;
      }
      if (msg.startsWith('Connection closed by ') || msg.startsWith('Connection reset by ')) return closed(msg.slice(21 - (msg.charCodeAt(11) === 114 ? 1 : 0)), out);
      break;
  }
  return SshdKind.None;
}

/** `Failed|Accepted <method> for [invalid user ]U from A port P ssh2[: INFO]` from `at` (after the verb). */
function authLine(msg: string, at: number, out: ParsedLine, accepted: boolean): SshdKind {
  const sp = msg.indexOf(' ', at);
  if (sp < 0 || !msg.startsWith(' for ', sp)) return SshdKind.None;
  const method = msg.slice(at, sp);
  let rest = msg.slice(sp + 5);
  const info = rest.indexOf(': ');
  if (info >= 0) rest = rest.slice(0, info);
  const invalid = rest.startsWith('invalid user ');
  if (!fromAddress(invalid ? rest.slice(13) : rest, out, false)) return SshdKind.None;
  if (accepted) return SshdKind.Accepted;
  return method === 'publickey' && !invalid ? SshdKind.RejectedKey : SshdKind.Failed;
}

/** `U from A[ port P ...]`: the address after the last ` from `, the user before it. */
function fromAddress(text: string, out: ParsedLine, mayBeInvalid: boolean): boolean {
  const from = text.lastIndexOf(' from ');
  let user: string;
  if (from >= 0) {
    if (!addressAtEnd(text.slice(from + 6), out)) return false;
    user = text.slice(0, from);
  } else if (text.startsWith('from ')) {
    if (!addressAtEnd(text.slice(5), out)) return false;
    user = '';
  } else return false;
  if (mayBeInvalid && (user.startsWith('invalid user ') || user.startsWith('illegal user '))) user = user.slice(13);
  out.user = user.length > 0 ? user : null;
  return true;
}

function addressAtEnd(tail: string, out: ParsedLine): boolean {
  const m = ADDRESS_TAIL.exec(tail);
  return m !== null && setAddress(m[1]!, m[2], out);
}

function setAddress(addr: string, port: string | undefined, out: ParsedLine): boolean {
  out.ip = normaliseIp(addr);
  if (port !== undefined) out.port = Number(port);
  return out.ip !== null;
}

/** `Connection closed by [authenticating|invalid user U ]A[ port P][ [preauth]]`: the last address-port pair. */
function closed(text: string, out: ParsedLine): SshdKind {
  let t = text.trimEnd();
  if (t.endsWith(' [preauth]')) t = t.slice(0, -10);
  let sp = t.lastIndexOf(' ');
  let port: string | undefined;
  if (sp > 0 && t.startsWith(' port ', t.lastIndexOf(' ', sp - 1)) && /^\d{1,5}$/.test(t.slice(sp + 1))) {
    port = t.slice(sp + 1);
    t = t.slice(0, t.lastIndexOf(' ', sp - 1));
    sp = t.lastIndexOf(' ');
  }
  setAddress(t.slice(sp + 1), port, out);
  return SshdKind.Closed;
}

function disconnecting(msg: string, out: ParsedLine): SshdKind {
  // `Disconnecting: Too many authentication failures[ for U][ [preauth]]` (no address: it comes from the session)
  if (msg.startsWith('Disconnecting: ')) {
    if (!msg.startsWith('Too many authentication failures', 15)) return SshdKind.None;
    const m = / for (\S+)/.exec(msg.slice(47));
    if (m && m[1] !== '[preauth]') out.user = m[1]!;
    return SshdKind.TooMany;
  }
  // `Disconnecting (invalid|authenticating) user U A port P: REASON [preauth]`: user names hold no ':'.
  const colon = msg.indexOf(': ');
  if (colon < 0) return SshdKind.None;
  const reason = msg.slice(colon + 2);
  const head = /^Disconnecting (?:(?:invalid|authenticating) )?user (.*) (\S+) port (\d{1,5})$/.exec(msg.slice(0, colon));
  if (head) {
    out.user = head[1] || null;
    setAddress(head[2]!, head[3], out);
  }
  if (reason.startsWith('Too many authentication failures')) return SshdKind.TooMany;
  if (reason.startsWith('Change of username or service not allowed')) return out.ip !== null ? SshdKind.UserChange : SshdKind.None;
  return SshdKind.None;
}

/** `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=R rhost=H [user=U]`. */
function pamFailure(msg: string, out: ParsedLine): SshdKind {
  const fields = readPamFields(msg);
  out.ip = fields.rhost === null ? null : normaliseIp(fields.rhost);
  out.user = fields.user;
  return SshdKind.PamFailure;
}

/**
 * The address and user of a pam_unix `authentication failure;` message. `rhost` is the last ` rhost=`
 * (ruser, before it, may hold anything; `user=`, after it, is a real account name), `user` the
 * `user=` value, else a non-empty `ruser=`.
 */
export function readPamFields(msg: string): { rhost: string | null; user: string | null } {
  const at = msg.lastIndexOf(' rhost=');
  if (at < 0) return { rhost: null, user: null };
  const end = msg.indexOf(' ', at + 7);
  const rhost = msg.slice(at + 7, end < 0 ? undefined : end);
  const u = end < 0 ? null : /^\s+user=(\S+)/.exec(msg.slice(end));
  let user = u ? u[1]! : null;
  if (user === null) {
    const r = msg.indexOf(' ruser=');
    if (r >= 0 && r < at) user = msg.slice(r + 7, at).trim() || null;
  }
  return { rhost: rhost.length > 0 ? rhost : null, user };
}
