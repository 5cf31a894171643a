// Web attacks in one request: every part an attacker controls, decoded and judged. The request
// target (path, query keys and values), User-Agent and Referer come from any access-log line; JSON
// logs add the other headers, cookies and the body; any line adds its user name (a failed login as
// `' OR 1=1--` is an injection attempt too). At most one hit per kind per line.
import type { ParsedLine } from '../parse/index.js';
import { decodeValue } from './decode.js';
import { Family, judgeValue, type Finding, type InjectionKind } from './attacks/judge.js';
import { RFI, RFI_PARAMETER, URL_VALUE } from './attacks/rfi.js';
import { TRAVERSAL_RAW } from './attacks/traversal.js';
import { ENTRY_POINT, SENSITIVE_FILE, served } from './probes.js';
import { clfReferer, jsonBody, jsonHeaders, jsonReferer, REFERER_KEYS } from './request-fields.js';
import { PHP_FINGERPRINT, SCANNER_AGENT } from './scanners.js';
import { BAD_BOT_RULE, isBadBot } from './bad-bots.js';
import { Memo } from './memo.js';
import { firstMatch, NOSQL_OPERATOR } from './signatures.js';
import { requestParts } from './url.js';

export type WebKind = InjectionKind | 'sensitive-file' | 'scanner';

export interface WebHit {
  kind: WebKind;
  rule: string;
  /** "path", `query "name"`, "user-agent", `header "x"`, `body "a.b"`, "user"... */
  where: string;
  /** A software entry point (wp-login.php, phpMyAdmin): a probe only when the server did not serve it. */
  entryPoint?: true;
}

const FAMILY: Record<InjectionKind, Family> = {
  sqli: Family.Sqli, xss: Family.Xss, traversal: Family.Traversal, rfi: Family.Rfi, 'command-injection': Family.Command, 'code-injection': Family.Code,
};
const SENSITIVE_GATE = new RegExp([...SENSITIVE_FILE, ...ENTRY_POINT].map((s) => s.re.source).join('|'));
/** Headers whose values are protocol plumbing (or read on their own: cookie, referer, user-agent). */
const REFERER_NAMES = new Set<string>(REFERER_KEYS.map((k) => k.toLowerCase()));
const PLUMBING_HEADERS = new Set(['host', 'accept', 'accept-encoding', 'accept-language', 'connection', 'keep-alive', 'proxy-connection',
  'content-type', 'content-length', 'cache-control', 'pragma', 'upgrade-insecure-requests', 'dnt', 'te', 'if-none-match',
  'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range', 'range', 'priority', 'authorization', 'proxy-authorization',
  'x-request-id', 'x-correlation-id', 'traceparent', 'tracestate', 'x-amzn-trace-id', 'x-cloud-trace-context', 'via', 'cdn-loop',
  'x-csrf-token', 'x-xsrf-token', 'content-encoding', 'upgrade', 'x-requested-with', 'origin', 'user-agent', 'referer', 'referrer',
  'cookie', 'accept-charset', 'x-forwarded-proto', 'x-forwarded-port', 'sec-purpose', 'purpose', 'save-data', 'rtt', 'downlink', 'ect']);
/** Upload file-name headers (X-Filename, X-File-Name...), and names that make an upload run as code or hijack a session. */
const FILE_NAME_HEADER = /^x[-_.]?file[-_.]?name$/;
const SCRIPT_UPLOAD = /\.\s*(?:php\d{0,3}|phtml|phar|phps|pht|phpt|pgif|shtml|asp|aspx|jsp|jspx)[\s.]*$|(?:^|[/\\])sess_[\w,-]{10,}$/i;
const MAX_BODY_VALUES = 500;
const MAX_BODY_DEPTH = 8;

function clip(s: string, n = 40): string {
  return s.length > n ? s.slice(0, n) + '...' : s;
}

/** Collects hits, one per kind. */
class Hits {
  list: WebHit[] | null = null;
  found = 0;
  private kinds = 0;

  add(kind: WebKind, rule: string, where: string, entryPoint = false): void {
    const bit = kind === 'sensitive-file' ? 64 : kind === 'scanner' ? 128 : FAMILY[kind];
    if (this.kinds & bit) return;
    this.kinds |= bit;
    if (kind !== 'sensitive-file' && kind !== 'scanner') this.found |= bit;
    const hit: WebHit = { kind, rule, where };
    if (entryPoint) hit.entryPoint = true;
    (this.list ??= []).push(hit);
  }

  merge(from: readonly WebHit[] | null, status: number): void {
    if (from !== null) for (const h of from) if (!(h.entryPoint && served(status))) this.add(h.kind, h.rule, h.where, h.entryPoint);
  }

  judge(value: string, where: string): void {
    this.found |= judgeValue(value, this.found, (f: Finding) => this.add(f.kind, f.rule, where));
  }

  /** A parameter name; one holding `=` (a double-encoded pair, `pay%3DAND 1=1`) is also read as its value. */
  judgeName(name: string, where: string): void {
    this.judge(name, where);
    const eq = name.indexOf('=');
    if (eq > 0) this.judge(name.slice(eq + 1), where);
  }
}

export class WebInspector {
  private readonly targets = new Memo<WebHit[] | null>((u) => this.judgeTarget(u), 4096);
  private readonly agents = new Memo<WebHit[] | null>((u) => this.judgeAgent(u), 1024);
  private readonly referers = new Memo<WebHit[] | null>((r) => this.judgeReferer(r), 2048);
  /** A session sends the same Cookie header with each of its requests. */
  private readonly cookies = new Memo<WebHit[] | null>((c) => {
    const h = new Hits();
    this.judgeCookie(c, h);
    return h.list;
  }, 4096, 4096);

  constructor(private readonly ignorePaths: readonly string[]) {}

  /** Hits for the request target alone (path and query): what the quiet-JSON prefilter asks. */
  inspectTarget(url: string): WebHit[] | null {
    return this.targets.get(url);
  }

  /** True when a User-Agent value fires nothing. */
  quietAgent(ua: string): boolean {
    return this.agents.get(ua) === null;
  }

  /** True when a Referer value fires nothing. */
  quietReferer(ref: string): boolean {
    return this.referers.get(ref) === null;
  }

  /** True when a user name fires nothing. */
  quietUser(user: string): boolean {
    const h = new Hits();
    h.judge(user, 'user');
    return h.list === null;
  }

  /** True when a Cookie header fires nothing. */
  quietCookie(cookie: string): boolean {
    return this.cookies.get(cookie) === null;
  }

  /** True when a request header fires nothing (user agent, referer and cookie in any letter case included). */
  quietHeader(name: string, value: string): boolean {
    const lower = name.toLowerCase();
    if (lower === 'user-agent') return this.quietAgent(value);
    if (lower === 'cookie') return this.quietCookie(value);
    if (REFERER_NAMES.has(lower)) return value.length === 0 || value === '-' || this.quietReferer(value);
    const h = new Hits();
    this.judgeHeader(lower, value, h);
    return h.list === null;
  }

  /** At most one hit per kind; null when the request is clean (the common case, no allocation). */
  inspect(p: ParsedLine, line: string): WebHit[] | null {
    const hits = new Hits();
    if (p.url !== null) hits.merge(this.inspectTarget(p.url), p.status);
    if (p.userAgent !== null) hits.merge(this.agents.get(p.userAgent), 0);
    const json = p.json;
    const headers = json !== null ? jsonHeaders(json) : null;
    const referer = json !== null ? jsonReferer(json, headers) : p.format === 'clf' ? clfReferer(line) : null;
    if (referer !== null) hits.merge(this.referers.get(referer), 0);
    if (json !== null) {
      if (headers !== null) this.judgeHeaders(headers, hits);
      const body = jsonBody(json);
      if (body !== undefined && body !== null) this.judgeBody(body, hits);
    }
    if (p.user !== null) hits.judge(p.user, 'user');
    return hits.list;
  }

  private judgeTarget(url: string): WebHit[] | null {
    const hits = new Hits();
    if (TRAVERSAL_RAW.re.test(url)) hits.add('traversal', TRAVERSAL_RAW.rule, 'path');
    // An absolute-form target (proxy abuse) at a cloud metadata address.
    if (url.charCodeAt(0) !== 47 && RFI[0]!.re.test(url)) hits.add('rfi', RFI[0]!.rule, 'path');
    if (PHP_FINGERPRINT.re.test(url)) hits.add('scanner', PHP_FINGERPRINT.rule, 'query');
    const { path, query } = requestParts(url);
    {
      hits.judge(path, 'path');
      // A value spliced into a route (/items/1 OR 1=1): each segment alone, for SQL and commands.
      if (!(hits.found & Family.Sqli) && /[\s'"()`;]/.test(path)) {
        for (const seg of path.split('/')) {
          if (seg.length > 2) hits.found |= judgeValue(seg.replace(/\+/g, ' '), Family.All & ~(Family.Sqli | Family.Command) | hits.found, (f) => hits.add(f.kind, f.rule, 'path'));
        }
      }
      for (let i = 0; i < query.length; i += 2) {
        const name = query[i]!;
        const value = query[i + 1]!;
        const where = `query "${clip(name)}"`;
        hits.judge(value, where);
        hits.judgeName(name, `query name "${clip(name)}"`);
        if (NOSQL_OPERATOR.re.test(name) || NOSQL_OPERATOR.re.test(value)) hits.add('sqli', NOSQL_OPERATOR.rule, where);
        if (RFI_PARAMETER.re.test(name) && URL_VALUE.test(value)) hits.add('rfi', RFI_PARAMETER.rule, where);
        if (/\.(?:sql|bak|backup|old|dump|swp)(?:\.(?:gz|zip|bz2|xz|7z|tar))?$/i.test(value) && !/\s/.test(value)) hits.add('sensitive-file', 'sensitive-backup', where);
      }
    }
    const lower = path.toLowerCase();
    if (!lower.startsWith('/.well-known/') && SENSITIVE_GATE.test(lower) && !this.ignored(lower)) {
      const rule = firstMatch(SENSITIVE_FILE, lower);
      if (rule !== null) hits.add('sensitive-file', rule, 'path');
      else {
        const entry = firstMatch(ENTRY_POINT, lower);
        if (entry !== null) hits.add('sensitive-file', entry, 'path', true);
      }
    }
    // /.aws/credentials is one finding (a sensitive file), not also an OS-file traversal.
    if (hits.list !== null && hits.list.some((h) => h.kind === 'sensitive-file' && h.where === 'path')) {
      hits.list = hits.list.filter((h) => !(h.rule === 'traversal-os-file' && h.where === 'path'));
    }
    return hits.list;
  }

  private judgeAgent(ua: string): WebHit[] | null {
    const hits = new Hits();
    if (SCANNER_AGENT.re.test(ua)) hits.add('scanner', SCANNER_AGENT.rule, 'user-agent');
    else if (isBadBot(ua)) hits.add('scanner', BAD_BOT_RULE, 'user-agent');
    hits.judge(decodeValue(ua, false), 'user-agent');
    return hits.list;
  }

  private judgeReferer(ref: string): WebHit[] | null {
    const hits = new Hits();
    const url = /^https?:\/\/[^/?#\s]*(\/.*)?$/i.exec(ref);
    if (url !== null) {
      const { path, query } = requestParts(url[1] ?? '/');
      hits.judge(path, 'referer');
      for (let i = 0; i < query.length; i += 2) {
        hits.judge(query[i + 1]!, 'referer');
        hits.judge(query[i]!, 'referer');
      }
    } else hits.judge(decodeValue(ref, false), 'referer');
    return hits.list;
  }

  private judgeHeaders(headers: Record<string, unknown>, hits: Hits): void {
    for (const name in headers) {
      const lower = name.toLowerCase();
      const v = headers[name];
      if (lower === 'cookie') {
        if (typeof v === 'string') hits.merge(this.cookies.get(v), 0);
        else if (Array.isArray(v)) for (const x of v) if (typeof x === 'string') hits.merge(this.cookies.get(x), 0);
        continue;
      }
      // Read apart from the parser's user agent: a header of another letter case, or every value of an array.
      if (lower === 'user-agent') {
        if (typeof v === 'string') hits.merge(this.agents.get(v), 0);
        else if (Array.isArray(v)) for (const x of v) if (typeof x === 'string') hits.merge(this.agents.get(x), 0);
        continue;
      }
      if (typeof v === 'string') this.judgeHeader(lower, v, hits);
      else if (Array.isArray(v)) for (const x of v) if (typeof x === 'string') this.judgeHeader(lower, x, hits);
    }
  }

  /** One header value; `name` lower-cased. User-Agent, Referer and Cookie are read on their own. */
  private judgeHeader(name: string, value: string, hits: Hits): void {
    if (PLUMBING_HEADERS.has(name) || name.startsWith('sec-') || name.startsWith('cf-') || name.startsWith('x-b3-')) return;
    if (FILE_NAME_HEADER.test(name) && SCRIPT_UPLOAD.test(value)) hits.add('code-injection', 'php-upload', `header "${clip(name)}"`);
    hits.judge(decodeValue(value, false), `header "${clip(name)}"`);
  }

  private judgeCookie(cookie: string, hits: Hits): void {
    for (const pair of cookie.split(';')) {
      const eq = pair.indexOf('=');
      const name = (eq < 0 ? pair : pair.slice(0, eq)).trim();
      const where = `cookie "${clip(name)}"`;
      if (eq >= 0) hits.judge(decodeValue(pair.slice(eq + 1).trim(), false), where);
      hits.judge(decodeValue(name, false), where);
    }
  }

  private judgeBody(body: unknown, hits: Hits): void {
    if (typeof body === 'string') {
      const b = body.trimStart();
      if (b.startsWith('<')) {
        // XML or HTML: its declarations (external entities), then attribute values and text, entities decoded.
        const xxe = RFI.find((r) => r.rule === 'xxe-external-fetch')!;
        if (xxe.re.test(b)) hits.add('rfi', xxe.rule, 'body');
        for (const m of b.matchAll(/=\s*"([^"]*)"|=\s*'([^']*)'|>([^<]+)</g)) hits.judge(decodeValue(m[1] ?? m[2] ?? m[3]!, false), 'body');
        if (/^<\?(?!xml\b)/i.test(b)) hits.judge(b, 'body');
      } else if (/^[^\s=&]{1,100}=[^\s]*(?:&[^\s=&]{1,100}=[^\s]*)*$/.test(b)) {
        const { query } = requestParts(`/?${b}`);
        for (let i = 0; i < query.length; i += 2) {
          hits.judge(query[i + 1]!, `body "${clip(query[i]!)}"`);
          hits.judgeName(query[i]!, `body "${clip(query[i]!)}"`);
        }
      } else hits.judge(decodeValue(body, false), 'body');
      return;
    }
    let budget = MAX_BODY_VALUES;
    const walk = (v: unknown, path: string, depth: number): void => {
      if (budget-- <= 0 || depth > MAX_BODY_DEPTH) return;
      if (typeof v === 'string') hits.judge(decodeValue(v, false), `body "${clip(path)}"`);
      else if (Array.isArray(v)) for (const x of v) walk(x, path, depth + 1);
      else if (typeof v === 'object' && v !== null) {
        for (const key in v as Record<string, unknown>) {
          const where = path === '' ? key : `${path}.${key}`;
          if (NOSQL_OPERATOR.re.test(key)) hits.add('sqli', NOSQL_OPERATOR.rule, `body "${clip(where)}"`);
          hits.judgeName(decodeValue(key, false), `body key "${clip(where)}"`);
          walk((v as Record<string, unknown>)[key], where, depth + 1);
        }
      }
    };
    walk(body, '', 0);
  }

  private ignored(lowerPath: string): boolean {
    for (const p of this.ignorePaths) if (lowerPath.startsWith(p.toLowerCase())) return true;
    return false;
  }
}
