// Character-level rules shared by the syslog formats. Each has a fast path that allocates
// nothing when the input is already clean (the common case on the per-line path).
const CONTROL = /[\x00-\x1f\x7f]/;
const CONTROL_ALL = /[\x00-\x1f\x7f]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

function escapeOne(c: string): string {
  return NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/**
 * C0 controls and DEL as visible escapes (`\n`, `\r`, `\t`, `\0`, `\xHH`), so that CR, LF and NUL
 * never reach the wire raw and a hostile line cannot forge a second record. Backslashes are left
 * alone: JSON log lines stay readable.
 */
export function escapeControl(s: string): string {
  return CONTROL.test(s) ? s.replace(CONTROL_ALL, escapeOne) : s;
}

const SD_SPECIAL = /["\\\]]/;
const SD_SPECIAL_ALL = /["\\\]]/g;
// Long values are cut so that the header and SD always fit; MSG carries the bulk.
const SD_VALUE_MAX = 1024;

/** RFC 5424 PARAM-VALUE: `"`, `\` and `]` MUST be escaped; controls are escaped first. */
export function escapeSdValue(value: string): string {
  let s = escapeControl(value.length > SD_VALUE_MAX ? value.slice(0, SD_VALUE_MAX) : value);
  if (SD_SPECIAL.test(s)) s = s.replace(SD_SPECIAL_ALL, '\\$&');
  return s;
}

const PRINTUSASCII = /^[!-~]+$/;
const NOT_PRINTUSASCII = /[^!-~]/g;

/** A header field (HOSTNAME, APP-NAME, PROCID, MSGID): PRINTUSASCII only, at most `max` chars, `-` if empty. */
export function headerField(value: string | undefined | null, max: number, replacement = '_'): string {
  if (!value) return '-';
  const s = PRINTUSASCII.test(value) ? value : value.replace(NOT_PRINTUSASCII, replacement);
  return s.length > max ? s.slice(0, max) : s;
}

const NOT_HOST = /[^A-Za-z0-9.:-]/g;

/** HOSTNAME: a host name or IP as Logstash's IPORHOST reads it (so `_` and spaces become `-`), at most 255. */
export function hostnameField(value: string): string {
  return headerField(value.replace(NOT_HOST, '-'), 255);
}
