// One decoded value out of one logged one: what an application or a browser would finally read.
// Attackers stack encodings to slip past filters, so this undoes them in passes until nothing changes:
// percent (%HH, %uHHHH, double and mixed), overlong UTF-8 (%c0%af is `/`), HTML entities (&#x3c;
// &lt; &Tab;), JavaScript escapes (\x3c \u003c), and fullwidth forms (＜ is `<` after NFKC).

/** At most this many passes (double and triple encoding are common evasions). */
const MAX_PASSES = 3;
/** Anything any pass below would change. */
const ENCODED = /[%&\\]|[^\x00-\x7f]/;

const NAMED_ENTITIES: Record<string, string> = {
  lt: '<', gt: '>', quot: '"', apos: "'", amp: '&', tab: '\t', newline: '\n', colon: ':', lpar: '(', rpar: ')',
  sol: '/', bsol: '\\', nbsp: ' ', num: '#', excl: '!', dollar: '$', percnt: '%', lowbar: '_', period: '.',
  comma: ',', semi: ';', equals: '=', lsqb: '[', rsqb: ']', lcub: '{', rcub: '}', grave: '`', plus: '+', ast: '*',
  quest: '?', vert: '|', hyphen: '-', lbrack: '[', rbrack: ']', lbrace: '{', rbrace: '}', verbar: '|',
};
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));?/g;
const JS_ESCAPE = /\\(?:u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2}))/g;
const PERCENT_RUN = /(?:%[0-9a-fA-F]{2}|%u[0-9a-fA-F]{4})+/g;

function codePoint(n: number): string {
  return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '\ufffd';
}

/**
 * UTF-8 bytes -> text, accepting overlong forms (their whole point is to hide `/`, `.`, `<`) and
 * reading any other invalid byte as Latin-1, so nothing disappears.
 */
function utf8Lenient(bytes: number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const need = b >= 0xc0 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf8 ? 3 : 0;
    let cp = need === 1 ? b & 0x1f : need === 2 ? b & 0x0f : b & 0x07;
    let ok = need > 0 && i + need < bytes.length;
    for (let k = 1; ok && k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (c & 0x3f);
    }
    if (ok) {
      out += codePoint(cp);
      i += need + 1;
    } else {
      out += String.fromCharCode(b);
      i++;
    }
  }
  return out;
}

function percentDecode(s: string): string {
  return s.replace(PERCENT_RUN, (run) => {
    const bytes: number[] = [];
    let out = '';
    for (let i = 0; i < run.length;) {
      if (run.charCodeAt(i + 1) === 117 /* u */ || run.charCodeAt(i + 1) === 85 /* U */) {
        if (bytes.length) { out += utf8Lenient(bytes); bytes.length = 0; }
        out += String.fromCharCode(parseInt(run.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        bytes.push(parseInt(run.slice(i + 1, i + 3), 16));
        i += 3;
      }
    }
    return out + (bytes.length ? utf8Lenient(bytes) : '');
  });
}

function entityDecode(s: string): string {
  return s.replace(ENTITY, (m, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (dec !== undefined) return codePoint(Number(dec));
    if (hex !== undefined) return codePoint(parseInt(hex, 16));
    return NAMED_ENTITIES[name!.toLowerCase()] ?? m;
  });
}

function jsUnescape(s: string): string {
  return s.replace(JS_ESCAPE, (_, brace: string | undefined, u: string | undefined, x: string | undefined) =>
    codePoint(parseInt(brace ?? u ?? x!, 16)));
}

function onePass(s: string): string {
  if (s.indexOf('%') >= 0) s = percentDecode(s);
  if (s.indexOf('&') >= 0) s = entityDecode(s);
  if (s.indexOf('\\') >= 0) s = jsUnescape(s);
  // Fullwidth and other compatibility forms (＜script＞) fold to ASCII; plain text is left alone.
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(s)) s = s.normalize('NFKC');
  return s;
}

/** Fully decoded `raw`; `plus` reads `+` as a space first (query strings and form bodies). */
export function decodeValue(raw: string, plus: boolean): string {
  let s = plus && raw.indexOf('+') >= 0 ? raw.replace(/\+/g, ' ') : raw;
  for (let i = 0; i < MAX_PASSES && ENCODED.test(s); i++) {
    const next = onePass(s);
    if (next === s) break;
    s = next;
  }
  return s;
}
