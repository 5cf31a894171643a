// What every parser produces: the few fields detection needs, whatever the log format was.

export type LineFormat = 'json' | 'clf' | 'sshd' | 'text';
/** `logs.format` in the config: `auto` picks a parser per line. */
export type FormatOption = 'auto' | LineFormat;

/** sshd lines are classified while parsing (the parser already knows which message it matched). */
export const enum AuthOutcome { None = 0, Failure = 1, Success = 2 }

export interface ParsedLine {
  format: LineFormat;
  /** The time written in the line, raw (epoch number or text); resolved only when needed (see time.ts). */
  timeRaw: string | number | null;
  /** Client IP, normalised (no `::ffff:` prefix). */
  ip: string | null;
  user: string | null;
  method: string | null;
  /** Request target as logged: path plus query, not decoded. */
  url: string | null;
  /** HTTP status, 0 when unknown. */
  status: number;
  userAgent: string | null;
  /** The human message (JSON msg/message, sshd message, or the whole text line). */
  message: string | null;
  /** Event name the app gave (JSON event/action/type...), lower-cased. */
  event: string | null;
  /** Set by parsers that recognise logins themselves (sshd). */
  auth: AuthOutcome;
  /** The parsed object for JSON lines (tags, custom rules on fields). */
  json: Record<string, unknown> | null;
}

export function emptyParsed(format: LineFormat): ParsedLine {
  return {
    format, timeRaw: null, ip: null, user: null, method: null, url: null, status: 0,
    userAgent: null, message: null, event: null, auth: AuthOutcome.None, json: null,
  };
}
