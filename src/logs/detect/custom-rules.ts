// `security.custom`: operator regexes on a parsed field or on the whole line.
import type { SecurityConfig } from '../../config/schema/index.js';
import type { ParsedLine } from '../parse/index.js';

export class CustomRuleError extends Error {
  readonly code = 'ECUSTOMRULE';
}

export interface CompiledRule {
  name: string;
  re: RegExp;
  field: string | undefined;
  kind: SecurityConfig['custom'][number]['kind'];
  severity: SecurityConfig['custom'][number]['severity'];
}

export function compileRules(rules: SecurityConfig['custom']): CompiledRule[] {
  return rules.map((r, i) => {
    let re: RegExp;
    try {
      re = new RegExp(r.pattern, r.flags ?? '');
    } catch (err) {
      throw new CustomRuleError(`security.custom[${i}] (${r.name}): invalid pattern: ${(err as Error).message}`);
    }
    return { name: r.name, re, field: r.field, kind: r.kind, severity: r.severity };
  });
}

/** A parsed field by name (ip, user, url, path, method, status, userAgent, message, event), else a dotted JSON path. */
export function fieldValue(p: ParsedLine, field: string): string | null {
  switch (field) {
    case 'ip': return p.ip;
    case 'user': return p.user;
    case 'url': return p.url;
    case 'path': {
      if (p.url === null) return null;
      const q = p.url.indexOf('?');
      return q < 0 ? p.url : p.url.slice(0, q);
    }
    case 'method': return p.method;
    case 'status': return p.status === 0 ? null : String(p.status);
    case 'userAgent': return p.userAgent;
    case 'message': return p.message;
    case 'event': return p.event;
  }
  if (p.json === null) return null;
  let v: unknown = p.json;
  for (const part of field.split('.')) {
    if (typeof v !== 'object' || v === null) return null;
    v = (v as Record<string, unknown>)[part];
  }
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
}
