// What the server itself says about a request: a request line it could not read, a URI it refused as
// too long, a method it does not know, bash refusing a function definition smuggled in a header
// (Shellshock), PHP's Suhosin hardening dropping a request variable, PHP-FPM finding no script for a
// request (what fail2ban's apache-noscript counts). The request's parts, when the
// line has them, are judged by web.ts as well; this judges the server's verdict.
//
// A well-formed request answered 400 is not judged: APIs answer 400 to bad input every day. A
// request line only browsers never send is: empty, one word (`HELP`), binary (`\x16\x03\x01`, a TLS
// handshake on a plain-HTTP port; `\x03\x00...mstshash=`, an RDP scan), no target, a method that is no
// HTTP token. Apache's `"-" 408` (a browser's idle preconnect timing out) is not a request at all.
import type { ParsedLine } from '../parse/index.js';
import { SUHOSIN_ALERT } from '../parse/suhosin.js';
import { served } from './probes.js';

export interface ServerReport {
  kind: 'bad-request' | 'command-injection';
  rule: string;
  /** What the server reported, for the event message. */
  what: string;
}

export const BAD_REQUEST_RULES = ['malformed-request', 'uri-too-long', 'proxy-probe', 'php-hardening-alert', 'php-script-unknown'] as const;

/** An HTTP method: an upper-case token (GET, PROPFIND, M-SEARCH, VERSION-CONTROL). */
const METHOD = /^[A-Z][A-Z_-]{0,23}$/;
/** A request target: origin-form, asterisk-form (OPTIONS *), absolute-form (proxies). */
const TARGET = /^(?:\/|\*$|https?:\/\/)/i;
/** bash (CGI scripts' stderr) refusing a function definition from an HTTP_ variable: a Shellshock payload arrived. */
const SHELLSHOCK_REFUSED = /^(?:stderr from \S+: )?\/bin\/(?:ba|da)?sh: (?:warning: HTTP_[\w-]{1,64}: ignoring function definition attempt|error importing function definition for `HTTP_[\w-]{1,64}')/;
// nginx's error log: the request line or header it could not read.
/** PHP-FPM behind Apache (AH01071) or nginx: the request named a .php script that does not exist. */
const PHP_SCRIPT_UNKNOWN = /^(?:FastCGI sent in stderr: ")?(?:Got error ')?Primary script unknown/;
const NGINX_BAD_REQUEST = /^client sent (?:invalid (?:method|request|version)|too long URI)\b/;

const MALFORMED: ServerReport = { kind: 'bad-request', rule: 'malformed-request', what: 'a request line no HTTP client sends' };
const TOO_LONG: ServerReport = { kind: 'bad-request', rule: 'uri-too-long', what: 'a request URI the server refused as too long' };
const PROXY: ServerReport = { kind: 'bad-request', rule: 'proxy-probe', what: 'a CONNECT tunnel request to a server that is no proxy' };
const SHELLSHOCK: ServerReport = { kind: 'command-injection', rule: 'command-injection-shellshock', what: 'bash refused a function definition sent in a header (Shellshock)' };
const NO_SCRIPT: ServerReport = { kind: 'bad-request', rule: 'php-script-unknown', what: 'PHP-FPM found no script for the request (a .php file that does not exist)' };
const SUHOSIN: ServerReport = { kind: 'bad-request', rule: 'php-hardening-alert', what: 'PHP (Suhosin) blocked part of the request' };

/** The server's own verdict on the request the line stands for, or null. */
export function serverReport(p: ParsedLine): ServerReport | null {
  switch (p.format) {
    case 'clf':
    case 'vhost':
      return accessLine(p);
    case 'apache-error':
      if (p.message === null) return null;
      if (SHELLSHOCK_REFUSED.test(p.message)) return SHELLSHOCK;
      if (SUHOSIN_ALERT.test(p.message)) return SUHOSIN;
      if (PHP_SCRIPT_UNKNOWN.test(p.message)) return NO_SCRIPT;
      // error-log.ts sets these only for the request-line errors (Invalid URI, erroneous characters, Invalid method).
      if (p.status === 400 || p.status === 501) return MALFORMED;
      if (p.status === 414) return TOO_LONG;
      return null;
    case 'nginx-error':
      if (p.message === null) return null;
      // fcgiwrap passes a CGI script's stderr on: `FastCGI sent in stderr: "/bin/bash: warning: ..."`.
      if (p.message.startsWith('FastCGI sent in stderr: "') && SHELLSHOCK_REFUSED.test(p.message.slice(25))) return SHELLSHOCK;
      if (PHP_SCRIPT_UNKNOWN.test(p.message)) return NO_SCRIPT;
      return NGINX_BAD_REQUEST.test(p.message) ? (p.message.startsWith('client sent too long URI') ? TOO_LONG : MALFORMED) : null;
    case 'syslog':
    case 'journal':
      // The parser takes the address from the alert's closing `(attacker '...', file '...')` field.
      return p.ip !== null && p.message !== null && SUHOSIN_ALERT.test(p.message) ? SUHOSIN : null;
    default:
      return null;
  }
}

/** An access-log line: the request line as the server logged it, and its answer. */
function accessLine(p: ParsedLine): ServerReport | null {
  // Served, or the client never finished sending (408): no verdict to report.
  if (served(p.status) || p.status < 400 || p.status === 408) return null;
  if (p.status === 414) return TOO_LONG;
  if (p.method === 'CONNECT') return PROXY;
  if (p.method === null || p.url === null || !METHOD.test(p.method) || !TARGET.test(p.url)) return MALFORMED;
  return null;
}
