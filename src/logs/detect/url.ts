// A request target -> the decoded pieces signatures look at: the path, each query key and value.

/** At most this many decoding passes (double and triple encoding are common evasions). */
const MAX_DECODE_PASSES = 3;
const PERCENT = /%[0-9a-fA-F]{2}/;

function decodeOnce(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    // Invalid UTF-8 sequences (%c0%af...): decode byte by byte so the bytes are still visible.
    return s.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}

/** Percent-decodes up to MAX_DECODE_PASSES times; `plus` turns `+` into a space first (query parts). */
export function decodeComponent(raw: string, plus: boolean): string {
  let s = plus && raw.indexOf('+') >= 0 ? raw.replace(/\+/g, ' ') : raw;
  for (let i = 0; i < MAX_DECODE_PASSES && PERCENT.test(s); i++) {
    const next = decodeOnce(s);
    if (next === s) break;
    s = next;
  }
  return s;
}

/** nginx writes bytes outside printable ASCII in $request as \xHH. */
export function unescapeNginx(s: string): string {
  return s.indexOf('\\x') < 0 ? s : s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

export interface RequestParts {
  /** Decoded path, `//` collapsed. */
  path: string;
  /** Decoded query keys and values, in order: key0, value0, key1, value1, ... */
  query: string[];
}

/** Splits "/a/b?x=1&y=2#frag" (or an absolute URL) and decodes each piece. */
export function requestParts(url: string): RequestParts {
  let target = unescapeNginx(url);
  if (target.charCodeAt(0) !== 47 /* / */) {
    const scheme = target.indexOf('://');
    if (scheme > 0 && scheme < 10) {
      const slash = target.indexOf('/', scheme + 3);
      target = slash < 0 ? '/' : target.slice(slash);
    }
  }
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  let path = decodeComponent(rawPath, false);
  if (path.indexOf('//') >= 0) path = path.replace(/\/{2,}/g, '/');
  const query: string[] = [];
  if (q >= 0 && q + 1 < target.length) {
    for (const pair of target.slice(q + 1).split('&')) {
      if (pair.length === 0) continue;
      const eq = pair.indexOf('=');
      query.push(decodeComponent(eq < 0 ? pair : pair.slice(0, eq), true), eq < 0 ? '' : decodeComponent(pair.slice(eq + 1), true));
    }
  }
  return { path, query };
}
