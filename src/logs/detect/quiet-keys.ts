// Keys of JSON log lines as the quiet-JSON prefilter (quiet-json.ts) sees them: the role each key's
// value has for the rules (from the parser's field slots, json.ts, and the request parts web.ts reads),
// and a table that finds a key's role in place, without slicing it out of the line.
import { fieldSlot, Slot } from '../parse/json.js';
import { REFERER_KEYS } from './request-fields.js';

/** What a key's string value is to the rules. */
export const enum Role { Other, Event, Type, Message, Method, Url, Request, UserAgent, User, Referer, Cookie, Header, Body, Headers, Req }

export function roleOfKey(key: string): Role {
  if ((REFERER_KEYS as readonly string[]).includes(key)) return Role.Referer;
  if (key === 'body') return Role.Body;
  if (key === 'cookie') return Role.Cookie;
  if (key === 'headers') return Role.Headers;
  if (key === 'req') return Role.Req;
  switch (fieldSlot(key)) {
    case Slot.Event: return Role.Event;
    case Slot.Journal: return Role.Event; // a journald entry is a syslog line: sshd sessions need every one
    case Slot.Type: return Role.Type;
    case Slot.Message: return Role.Message;
    case Slot.Method: return Role.Method;
    case Slot.Url: return Role.Url;
    case Slot.Request: return Role.Request;
    case Slot.UserAgent: return Role.UserAgent;
    case Slot.User: return Role.User;
    default: return Role.Other;
  }
}

/** Header names and what the web inspector does with them (the rest are judged as values). */
export const HEADER_ROLES: [string, Role][] = [
  ['user-agent', Role.UserAgent], ['User-Agent', Role.UserAgent], ['cookie', Role.Cookie], ...REFERER_KEYS.map((k) => [k, Role.Referer] as [string, Role]),
  ...['host', 'accept', 'accept-encoding', 'accept-language', 'connection', 'keep-alive', 'content-type', 'content-length',
    'cache-control', 'pragma', 'upgrade-insecure-requests', 'dnt', 'te', 'if-none-match', 'if-modified-since', 'priority',
    'authorization', 'x-request-id', 'traceparent', 'tracestate', 'origin', 'x-requested-with', 'x-forwarded-proto', 'x-forwarded-port',
  ].map((h) => [h, Role.Other] as [string, Role]),
];

/**
 * Keys compared in place (no slice): a bucket per (length, first char, last char), then the text.
 * Most keys of a log line are in no bucket, and are rejected by one array read.
 */
export class KeyTable {
  private readonly buckets = new Map<number, { key: string; role: Role }[]>();

  constructor(entries: Iterable<[string, Role]>) {
    for (const [key, role] of entries) {
      const h = hashOf(key.length, key.charCodeAt(0), key.charCodeAt(key.length - 1));
      let b = this.buckets.get(h);
      if (b === undefined) this.buckets.set(h, (b = []));
      b.push({ key, role });
    }
  }

  /** The role of the key spelled at line[from, to), or undefined when the table does not know it. */
  at(line: string, from: number, to: number): Role | undefined {
    if (to <= from) return undefined;
    const b = this.buckets.get(hashOf(to - from, line.charCodeAt(from), line.charCodeAt(to - 1)));
    if (b === undefined) return undefined;
    for (let i = 0; i < b.length; i++) if (line.startsWith(b[i]!.key, from)) return b[i]!.role;
    return undefined;
  }
}

function hashOf(length: number, first: number, last: number): number {
  return (length << 16) | ((first & 0xff) << 8) | (last & 0xff);
}
