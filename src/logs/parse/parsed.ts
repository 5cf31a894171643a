// What every parser produces: the few fields detection needs, whatever the log format was.
import type { AppConfig } from '../../config/schema/index.js';

/**
 * How a line was read. `journal` is `journalctl -o json`; `syslog` any other syslog-shaped line
 * (RFC 3164/5424, journald short formats, daemons' own files); `sshd` a syslog line from sshd.
 */
export type LineFormat = 'json' | 'journal' | 'clf' | 'vhost' | 'morgan' | 'sshd' | 'syslog' | 'nginx-error' | 'apache-error' | 'text';
/** `logs.format` in the config: `auto` picks a parser per line. */
export type FormatOption = AppConfig['logs']['format'];
// The config's list of formats and the parsers' must not drift apart.
const sameFormats: [Exclude<FormatOption, 'auto'>, LineFormat] extends [LineFormat, Exclude<FormatOption, 'auto'>] ? true : never = true;
void sameFormats;

/** Login outcome a parser recognised itself (sshd, mail and FTP daemons, web server auth modules). */
export const enum AuthOutcome { None = 0, Failure = 1, Success = 2 }

/** What an sshd message says about its session (detect/sshd-sessions.ts turns these into attempts). */
export const enum SshdKind {
  None = 0,
  /** `Failed <method> for [invalid user] U from A port P`: one attempt. */
  Failed,
  /** `Failed publickey for U` (a valid user): a key the client offered; a failure only if the session fails. */
  RejectedKey,
  /** `Invalid user`, `User U from A not allowed because ...`, `ROOT LOGIN REFUSED`, `error: PAM: ...`, tcpwrappers: an attempt whose `Failed` line (if any) follows. */
  Refused,
  /** `User U not allowed because account is locked`: an attempt; the address comes in a later line. */
  RefusedNoAddress,
  /** `Disconnecting invalid user U A port P: Change of username or service not allowed`: one attempt. */
  UserChange,
  /** `pam_unix(sshd:auth): authentication failure; ... rhost=A`: pending until the session tells how it ended. */
  PamFailure,
  /** `Too many authentication failures`, `maximum authentication attempts exceeded`: the session failed. */
  TooMany,
  /** `Received disconnect from A: 3: ...: Auth fail` (JSch): the client gave up after failing; the session ended. */
  GaveUp,
  /** `Accepted <method> for U from A port P`. */
  Accepted,
  /** `Connection from A port P`: a new session. */
  Connection,
  /** `Connection closed|reset by ...`, `Disconnected from ...`, `Received disconnect from ...`: the session ended. */
  Closed,
}

export interface ParsedLine {
  format: LineFormat;
  /** The time written in the line, raw (epoch number or text); resolved only when needed (see time.ts). */
  timeRaw: string | number | null;
  /** Client IP: a valid address (normalised, no `::ffff:` prefix) or null. Never a host name. */
  ip: string | null;
  user: string | null;
  method: string | null;
  /** Request target as logged: path plus query, not decoded. */
  url: string | null;
  /** HTTP status, 0 when unknown. */
  status: number;
  userAgent: string | null;
  /** The human message (JSON msg/message, syslog message, or the whole text line). */
  message: string | null;
  /** Event name the app gave (JSON event/action/type...), lower-cased. */
  event: string | null;
  /** Set by parsers that recognise logins themselves (sshd, FTP, mail, web server auth). */
  auth: AuthOutcome;
  /** Login attempts the line stands for: `message repeated N times`, dovecot's `N attempts`. */
  attempts: number;
  /** syslog: the sending host, the program (tag name) and its pid, when the line has them. */
  host: string | null;
  program: string | null;
  pid: string | null;
  /** sshd: what the message says about its session; `port` is the client port (0 when not written). */
  sshd: SshdKind;
  port: number;
  /** The parsed object for JSON lines (tags, custom rules on fields). */
  json: Record<string, unknown> | null;
}

export function emptyParsed(format: LineFormat): ParsedLine {
  return {
    format, timeRaw: null, ip: null, user: null, method: null, url: null, status: 0, userAgent: null,
    message: null, event: null, auth: AuthOutcome.None, attempts: 1, host: null, program: null, pid: null,
    sshd: SshdKind.None, port: 0, json: null,
  };
}
