// nginx and Apache error logs (where HTTP basic/digest auth failures and most "file not found" probes
// are written), read directly or through syslog/journald.
//
// nginx writes `TIME [level] PID#TID: *CID MESSAGE, client: A, server: S, request: "R", host: "H"` and
// quotes nothing it copies from the client: a user name or a Referer can hold `", client: 6.6.6.6, ...`.
// The address is taken from the first `, client: ` whose remainder is exactly nginx's field list (as
// fail2ban does); a line where no candidate fits keeps no address.
// Apache writes `[TIME] [module:level] [pid N] [client A:P] MESSAGE`: the address is in the bracketed
// header, before any client text.
import { AuthOutcome, type ParsedLine } from './parsed.js';
import { normaliseIp } from './ip.js';
import { requestTarget } from './json.js';

const NGINX_HEAD = /^(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}) \[(\w{1,10})\] \d{1,10}#\d{1,10}: (?:\*\d{1,20} )?/;
const NGINX_CONTEXT = /^, client: ([^,\s]{2,64}), server: [^,"]*(?:, request: "([^"]*)")?(?:, (?:upstream|subrequest): "[^"]*")?(?:, host: "[^"]*")?(?:, referrer: "[^"]*")?\s*$/;
/** Candidates tried for the context (each check is linear; an endless line of fake ones is not). */
const MAX_CONTEXT_CANDIDATES = 16;
const NGINX_AUTH = /^(?:user "(.*)":? (?:password mismatch|was not found in ")|PAM: user '(.*)' - not authenticated: )/;

/** True when the line starts like an nginx error log line. */
export function looksLikeNginxError(line: string): boolean {
  return line.length > 20 && line.charCodeAt(4) === 47 && line.charCodeAt(7) === 47 && line.charCodeAt(19) === 32 && line.charCodeAt(20) === 91;
}

export function parseNginxError(line: string, out: ParsedLine): boolean {
  const h = NGINX_HEAD.exec(line);
  if (!h) return false;
  out.format = 'nginx-error';
  out.program = 'nginx';
  out.timeRaw = h[1]!;
  const body = line.slice(h[0].length);
  let message = body;
  let from = 0;
  for (let n = 0; n < MAX_CONTEXT_CANDIDATES; n++) {
    const at = body.indexOf(', client: ', from);
    if (at < 0) break;
    const m = NGINX_CONTEXT.exec(body.slice(at));
    if (m) {
      out.ip = normaliseIp(m[1]!);
      if (m[2] !== undefined) {
        const sp = m[2].indexOf(' ');
        out.method = sp > 0 ? m[2].slice(0, sp) : null;
        out.url = requestTarget(m[2]);
      }
      message = body.slice(0, at);
      break;
    }
    from = at + 10;
  }
  out.message = message;
  out.status = statusFrom(NGINX_STATUS, message);
  const a = NGINX_AUTH.exec(message);
  if (a && out.ip !== null) {
    out.auth = AuthOutcome.Failure;
    out.user = a[1] ?? a[2] ?? null;
  }
  return true;
}

// Apache 2.2 `[Sun Dec 04 04:47:44 2005]`, 2.4 `[Sat Jul 20 21:34:49.453232 2013]`
const APACHE_TIME = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}(?:\.\d{1,6})? \d{4}$/;
// Apache auth modules (2.2 texts, and 2.4's after the AHnnnnn: code).
const APACHE_AUTH = /^(?:user (.*?) not found\b|user (.*?): (?:authentication|authorization) failure for "|user (.*?): password mismatch\b|Authorization of user (\S+) to access .{0,2000} failed, reason: |client used wrong authentication scheme|user `(.*?)' in realm `.{0,200}' not found|invalid qop `|realm mismatch - got `|unknown algorithm `|invalid nonce \S+ received - (?:length is not|user attempted time travel)|client denied by server configuration)/;
// Where Apache names the request target or file in its messages (probes are judged on these), and
// the status it answered (a web rule can tell "not served" and "rejected as malformed" apart).
const APACHE_TARGET = /^(?:File does not exist: (\S+)|script '([^']+)' not found or unable to stat|script not found or unable to stat: (\S+)|Invalid URI in request (.*)|invalid URI path \((\S+)\)|stderr from (\S+): script not found)/;
const APACHE_STATUS: readonly [RegExp, number][] = [
  [/^(?:File does not exist|script '[^']*' not found|script not found|stderr from \S+: script not found|Got error 'Primary script unknown)/, 404],
  [/^(?:Invalid URI in request|invalid URI path|request failed: (?:erroneous characters|invalid characters in URI))/, 400],
  [/^request failed: URI too long/, 414],
  [/^Invalid method in request/, 501],
  [/^client denied by server configuration/, 403],
];
// nginx: a file it did not find, a path it refused.
const NGINX_STATUS: readonly [RegExp, number][] = [
  [/^(?:open\(\) "[^"]*" failed \(2: No such file or directory\)|"[^"]*" is not found \(2: No such file or directory\))/, 404],
  [/^(?:access forbidden by rule|directory index of "[^"]*" is forbidden)/, 403],
];

function statusFrom(table: readonly [RegExp, number][], message: string): number {
  for (const [re, status] of table) if (re.test(message)) return status;
  return 0;
}

/** True when the line starts like an Apache error log line (`[Www Mmm dd ...`). */
export function looksLikeApacheError(line: string): boolean {
  return line.charCodeAt(0) === 91 && line.charCodeAt(4) === 32 && line.charCodeAt(8) === 32;
}

/** `[TIME] [module:level] [pid N] [client A:P] MESSAGE`; `withTime` false for the body syslog carries. */
export function parseApacheError(line: string, out: ParsedLine, withTime = true): boolean {
  let i = 0;
  let time: string | null = null;
  let module: string | null = null;
  let client: string | null = null;
  let remote: string | null = null;
  let groups = 0;
  while (line.charCodeAt(i) === 91 /* [ */ && groups < 6) {
    let end: number;
    if (line.startsWith('[client [', i) || line.startsWith('[remote [', i)) end = line.indexOf(']', line.indexOf(']', i + 9) + 1);
    else end = line.indexOf(']', i + 1);
    if (end < 0) return false;
    const g = line.slice(i + 1, end);
    if (groups === 0 && withTime) {
      if (!APACHE_TIME.test(g)) return false;
      time = g;
    } else if (g.startsWith('client ')) client ??= g.slice(7);
    else if (g.startsWith('remote ')) remote ??= g.slice(7);
    else if (!g.startsWith('pid ') && module === null) {
      const colon = g.indexOf(':');
      module = colon >= 0 ? g.slice(0, colon) : '';
    }
    groups++;
    i = end + 1;
    if (line.charCodeAt(i) === 32) i++;
  }
  if (withTime && time === null) return false;
  out.format = 'apache-error';
  out.program = 'apache';
  if (time !== null) out.timeRaw = time;
  const addr = client ?? remote;
  if (addr !== null) out.ip = normaliseIp(addr.charCodeAt(0) === 91 ? addr.slice(1, addr.indexOf(']')) : addr);
  let message = line.slice(i);
  const code = /^AH\d{5}: /.exec(message);
  if (code) message = message.slice(code[0].length);
  if (message.startsWith('Digest: ')) message = message.slice(8);
  out.message = message;
  out.status = statusFrom(APACHE_STATUS, message);
  if (out.status === 501) {
    const m = /^Invalid method in request (\S{1,16})/.exec(message);
    if (m) out.method = m[1]!;
  }
  const t = APACHE_TARGET.exec(message);
  if (t) {
    const target = t[1] ?? t[2] ?? t[3] ?? t[5] ?? t[6];
    if (target !== undefined) out.url = target.replace(/,$/, '');
    else if (t[4] !== undefined && /^[A-Z]{3,10} \//.test(t[4])) {
      out.method = t[4].slice(0, t[4].indexOf(' '));
      out.url = requestTarget(t[4]);
    }
  }
  const a = APACHE_AUTH.exec(message);
  // mod_evasive reuses "client denied": a rate limit, not an auth failure.
  if (a && out.ip !== null && !(module !== null && module.startsWith('evasive'))) {
    out.auth = AuthOutcome.Failure;
    out.user = a[1] ?? a[2] ?? a[3] ?? a[4] ?? a[5] ?? null;
    if (out.user === '') out.user = null;
  }
  return true;
}
