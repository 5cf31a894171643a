// The attacker-controlled parts of a request that ParsedLine does not carry: the Referer (combined
// and JSON logs), and, in JSON logs, the request headers and body (pino-http `req.headers`,
// `req.body`; top-level `headers`, `body`; nginx JSON `http_referer`).

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null;
}

/** Keys that hold the request object, and the referer, in JSON logs. */
export const REQUEST_KEYS = ['req', 'request'] as const;
export const REFERER_KEYS = ['referer', 'referrer', 'http_referer', 'httpReferer', 'http_referrer'] as const;
const REFERER_HEADER = /^(?:referer|referrer|http_referer|httpreferer|http_referrer)$/i;

/** The request object (pino-http `req`, or `request` when it is an object), else the line itself. */
function requestOf(json: Obj): Obj {
  return obj(json.req) ?? obj(json.request) ?? json;
}

export function jsonHeaders(json: Obj): Obj | null {
  return obj(requestOf(json).headers) ?? obj(json.headers);
}

export function jsonBody(json: Obj): unknown {
  const req = requestOf(json);
  return req.body !== undefined ? req.body : json.body;
}

/** A header's value: a string, or the first string of an array (Caddy logs header values as arrays). */
export function headerValue(v: unknown): string | null {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s.length > 0 && s !== '-' ? s : null;
}

/** The Referer of a JSON line: a request header of any letter case, else a top-level referer field. */
export function jsonReferer(json: Obj, headers: Obj | null): string | null {
  if (headers !== null) {
    for (const name in headers) {
      if (!REFERER_HEADER.test(name)) continue;
      const v = headerValue(headers[name]);
      if (v !== null) return v;
    }
  }
  for (const k of REFERER_KEYS) {
    const v = headerValue(json[k]);
    if (v !== null) return v;
  }
  return null;
}

/**
 * The Referer of a combined-format line: the quoted field before the last one (the user agent).
 * Read from the end, so a request line full of quotes cannot shift it; null when the line does not end
 * with two quoted fields (common format, custom formats with extra fields).
 */
export function clfReferer(line: string): string | null {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
  if (line.charCodeAt(end - 1) !== 34) return null;
  const uaOpen = openingQuote(line, end - 1);
  if (uaOpen < 2 || line.charCodeAt(uaOpen - 1) !== 32 || line.charCodeAt(uaOpen - 2) !== 34) return null;
  const refOpen = openingQuote(line, uaOpen - 2);
  if (refOpen < 0) return null;
  const ref = line.slice(refOpen + 1, uaOpen - 2);
  return ref.length === 0 || ref === '-' ? null : ref.indexOf('\\') >= 0 ? ref.replace(/\\x([0-9a-fA-F]{2})|\\(.)/g, (_, h: string | undefined, c: string | undefined) => (h !== undefined ? String.fromCharCode(parseInt(h, 16)) : c!)) : ref;
}

/** Index of the quote opening the field whose closing quote is at `close` (escaped quotes skipped). */
function openingQuote(line: string, close: number): number {
  for (let i = line.lastIndexOf('"', close - 1); i >= 0; i = line.lastIndexOf('"', i - 1)) {
    let slashes = 0;
    while (i - 1 - slashes >= 0 && line.charCodeAt(i - 1 - slashes) === 92) slashes++;
    if (slashes % 2 === 0) return i;
  }
  return -1;
}
