// A request target -> the decoded pieces signatures look at: the path, each query key and value.
import { decodeValue } from './decode.js';

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

/**
 * Splits "/a/b?x=1&y=2" (or an absolute URL) and decodes each piece. A `#` stays: clients do not
 * send fragments, so a raw one in a logged target is part of what the attacker sent (`1'#`).
 */
export function requestParts(url: string): RequestParts {
  let target = unescapeNginx(url);
  if (target.charCodeAt(0) !== 47 /* / */) {
    const scheme = target.indexOf('://');
    if (scheme > 0 && scheme < 10) {
      const slash = target.indexOf('/', scheme + 3);
      target = slash < 0 ? '/' : target.slice(slash);
    }
  }
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  let path = decodeValue(rawPath, false);
  if (path.indexOf('//') >= 0) path = path.replace(/\/{2,}/g, '/');
  const query: string[] = [];
  if (q >= 0 && q + 1 < target.length) {
    for (const pair of target.slice(q + 1).split('&')) {
      if (pair.length === 0) continue;
      const eq = pair.indexOf('=');
      query.push(decodeValue(eq < 0 ? pair : pair.slice(0, eq), true), eq < 0 ? '' : decodeValue(pair.slice(eq + 1), true));
    }
  }
  return { path, query };
}
