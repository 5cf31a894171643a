// Request-line detections: sqli, xss, traversal (decoded path and each query key/value) and sensitive-file (path).
import { requestParts } from './url.js';
import {
  firstMatch, NOSQL_KEY, SENSITIVE_FILE, SQLI, TRAVERSAL, TRAVERSAL_RAW, WEB_ATTACK_PREFILTER, XSS,
  type Signature,
} from './signatures.js';

export interface WebHit {
  kind: 'sqli' | 'xss' | 'traversal' | 'sensitive-file';
  rule: string;
  /** "path" or `query "name"`. */
  where: string;
}

const SENSITIVE_GATE = new RegExp(SENSITIVE_FILE.map((s) => s.re.source).join('|'));

function scan(kind: WebHit['kind'], sigs: readonly Signature[], path: string, query: readonly string[], hits: WebHit[]): void {
  let rule = firstMatch(sigs, path);
  if (rule !== null) {
    hits.push({ kind, rule, where: 'path' });
    return;
  }
  for (let i = 0; i < query.length; i += 2) {
    const name = query[i]!;
    rule = firstMatch(sigs, query[i + 1]!) ?? firstMatch(sigs, name);
    if (rule !== null) {
      hits.push({ kind, rule, where: `query "${name.length > 40 ? name.slice(0, 40) + '...' : name}"` });
      return;
    }
  }
}

/** Verdicts for recently seen request targets: access logs repeat the same few hundred URLs. */
const MEMO_SIZE = 4096;
const MEMO_MAX_URL = 256;

export class WebInspector {
  private memo = new Map<string, WebHit[] | null>();

  constructor(private readonly ignorePaths: readonly string[]) {}

  /** At most one hit per kind; null when the request is clean (the common case, no allocation). */
  inspect(url: string): WebHit[] | null {
    if (url.length > MEMO_MAX_URL) return this.judge(url);
    let hits = this.memo.get(url);
    if (hits === undefined) {
      hits = this.judge(url);
      if (this.memo.size >= MEMO_SIZE) this.memo = new Map();
      this.memo.set(url, hits);
    }
    return hits;
  }

  private judge(url: string): WebHit[] | null {
    const suspicious = WEB_ATTACK_PREFILTER.test(url);
    let path: string;
    let query: string[] = [];
    if (suspicious) {
      ({ path, query } = requestParts(url));
    } else {
      const end = url.search(/[?#]/);
      path = end < 0 ? url : url.slice(0, end);
      if (path.indexOf('//') >= 0) path = path.replace(/\/{2,}/g, '/');
    }
    let hits: WebHit[] | null = null;
    if (suspicious) {
      hits = [];
      scan('sqli', SQLI, path, query, hits);
      if (hits.length === 0) {
        for (let i = 0; i < query.length; i += 2) {
          if (NOSQL_KEY.re.test(query[i]!)) {
            hits.push({ kind: 'sqli', rule: NOSQL_KEY.rule, where: `query "${query[i]}"` });
            break;
          }
        }
      }
      scan('xss', XSS, path, query, hits);
      const before = hits.length;
      scan('traversal', TRAVERSAL, path, query, hits);
      if (hits.length === before && TRAVERSAL_RAW.re.test(url)) hits.push({ kind: 'traversal', rule: TRAVERSAL_RAW.rule, where: 'path' });
    }
    const lower = path.toLowerCase();
    if (!lower.startsWith('/.well-known/') && SENSITIVE_GATE.test(lower) && !this.ignored(lower)) {
      const rule = firstMatch(SENSITIVE_FILE, lower);
      if (rule !== null) (hits ??= []).push({ kind: 'sensitive-file', rule, where: 'path' });
    }
    return hits !== null && hits.length > 0 ? hits : null;
  }

  private ignored(lowerPath: string): boolean {
    for (const p of this.ignorePaths) if (lowerPath.startsWith(p.toLowerCase())) return true;
    return false;
  }
}
