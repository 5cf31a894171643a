// Attacker text is data: every log line, and every field parsed out of one (ip, user, url, reason,
// message), is escaped here before it reaches a person. One module, one set of characters:
// - escapeText: terminals, tables, plain-text email, chat text. Control characters (C0, DEL, C1),
//   line and paragraph separators, bidi overrides and invisible format characters become visible
//   escapes (`\n`, `\x1b`, `\u202e`), so a line cannot move the cursor, recolour the screen, forge a
//   second line or reorder what a reader sees.
// - escapeHtml: escapeText, then the five HTML specials (email HTML bodies, the dashboard).
// - escapeChat: escapeText, then Slack/Mattermost mrkdwn's & < > (no <!channel>, no fake links).
// - stringifySafe: JSON for a terminal or a receiver: lossless (JSON.parse gives the same value back)
//   but with the characters above written as \u escapes, which JSON.stringify leaves raw.
// Syslog frames have their own RFC rules (src/forward/format/escape.ts).

// C0, DEL, C1; soft hyphen; Arabic letter mark; Mongolian vowel separator; zero-width and
// directional marks (U+200B-U+200F); line/paragraph separators and bidi embeddings/overrides
// (U+2028-U+202E); word joiner, invisible operators and bidi isolates (U+2060-U+206F); BOM;
// interlinear annotation characters.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/;
// eslint-disable-next-line no-control-regex
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
// In JSON, only what JSON.stringify does not escape itself (it escapes U+0000-U+001F and ").
const UNSAFE_JSON_ALL = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

function visible(c: string): string {
  const n = c.charCodeAt(0);
  return NAMED[c] ?? (n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`);
}

function jsonEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** True when s holds a character escapeText would rewrite. */
export function hasUnsafeText(s: string): boolean {
  return UNSAFE.test(s);
}

/**
 * s with every control, separator, bidi and invisible format character shown as a visible escape;
 * cut to `max` characters (counted before escaping) with a marker saying how long it was.
 * Allocates nothing when s is already safe and short enough.
 */
export function escapeText(s: string, max = Infinity): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  const safe = UNSAFE.test(cut) ? cut.replace(UNSAFE_ALL, visible) : cut;
  return cut === s ? safe : `${safe}… (${s.length} chars)`;
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content or a quoted attribute value. */
export function escapeHtml(s: string, max = Infinity): string {
  return escapeText(s, max).replace(/[&<>"']/g, (c) => HTML[c]!);
}

/** Text for Slack/Mattermost message text: mrkdwn reads <...> as links and mentions. */
export function escapeChat(s: string, max = Infinity): string {
  return escapeText(s, max).replace(/[&<>]/g, (c) => HTML[c]!);
}

/** JSON.stringify, with the characters escapeText rewrites as \u escapes (still valid, lossless JSON). */
export function stringifySafe(value: unknown, space?: number): string {
  const json = JSON.stringify(value, null, space);
  return json === undefined ? 'null' : json.replace(UNSAFE_JSON_ALL, jsonEscape);
}
