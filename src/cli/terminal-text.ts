// Text from logs and log-derived fields (captured lines, ip, user, reasons) is data an attacker may
// have written: before it reaches a terminal, control characters (C0 but tab, DEL, C1 such as the
// 8-bit CSI) and bidi overrides are shown as visible escapes, so no line can move the cursor,
// retitle the window, hide or reorder text, or forge a second line. Every terminal output of such
// text goes through here (one place to switch to a shared escaping layer).
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\0': '\\0', '\x1b': '\\e' };
// JSON escapes C0 itself; the rest become \u escapes, which keep it valid JSON.
const JSON_UNSAFE_ALL = /[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function visible(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}
const unicodeEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One line of untrusted text, safe to print (clean text is returned as is, without copying). */
export function terminalSafe(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, visible) : text;
}

/** JSON.stringify for a terminal: still valid JSON, with no raw C1 or bidi control in it. */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value).replace(JSON_UNSAFE_ALL, unicodeEscape);
}
