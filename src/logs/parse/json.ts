// JSON log lines: winston (timestamp/message/level), pino (time/msg/level), pino-http (req/res),
// Bunyan, ECS-ish shapes, Caddy and Traefik access logs, `journalctl -o json`, and the usual aliases.
import { AuthOutcome, type ParsedLine } from './parsed.js';
import { firstForwardedHop, normaliseIp } from './ip.js';
import { readJournalEntry } from './message.js';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null;
}

// Field aliases -> what they hold. One pass over the object's own keys with one Map lookup per key
// is much cheaper than probing dozens of absent properties on every line.
export const enum Slot { Time = 1, Message, Ip, ForwardedFor, User, Url, Request, Method, Status, UserAgent, Event, Type, Outcome, Nested, Client, Journal }

const SLOTS = new Map<string, Slot>([
  ...['time', 'timestamp', '@timestamp', 'ts', 'date', 'datetime', 'StartUTC'].map((k) => [k, Slot.Time] as const),
  ...['msg', 'message'].map((k) => [k, Slot.Message] as const),
  ...['ip', 'remoteAddress', 'remote_addr', 'client_ip', 'clientIp', 'clientIP', 'remote_ip', 'remoteIp', 'src_ip',
    'source_ip', 'ip_address', 'ipAddress', 'ipaddr', 'ClientHost'].map((k) => [k, Slot.Ip] as const),
  ...['x-forwarded-for', 'x_forwarded_for', 'xForwardedFor', 'forwardedFor'].map((k) => [k, Slot.ForwardedFor] as const),
  ...['user', 'username', 'userName', 'user_name', 'userId', 'user_id', 'login', 'email', 'account', 'target_user',
    'targetUser', 'principal', 'ClientUsername'].map((k) => [k, Slot.User] as const),
  ...['url', 'originalUrl', 'path', 'uri', 'request_uri', 'RequestPath'].map((k) => [k, Slot.Url] as const),
  ['request', Slot.Request],
  ...['method', 'http_method', 'RequestMethod'].map((k) => [k, Slot.Method] as const),
  ...['status', 'statusCode', 'status_code', 'DownstreamStatus'].map((k) => [k, Slot.Status] as const),
  ...['userAgent', 'user_agent', 'ua', 'http_user_agent', 'user-agent', 'User-Agent', 'request_User-Agent'].map((k) => [k, Slot.UserAgent] as const),
  // `journalctl -o json`: the entry is a syslog message (message.ts reads it like one).
  ['MESSAGE', Slot.Journal],
  ...['event', 'action', 'evt', 'activity', 'audit', 'eventName', 'event_type', 'eventType'].map((k) => [k, Slot.Event] as const),
  ['type', Slot.Type],
  ...['success', 'outcome', 'result', 'ok'].map((k) => [k, Slot.Outcome] as const),
  ...['req', 'res', 'response', 'http', 'headers'].map((k) => [k, Slot.Nested] as const),
  ...['client', 'source'].map((k) => [k, Slot.Client] as const),
]);

/** What the parser reads from a key (any depth it looks at), or undefined for keys it ignores. */
export function fieldSlot(key: string): Slot | undefined {
  return SLOTS.get(key);
}

/** Keys whose string value a rule can read (the JSON prefilter must look at each of them). */
export function ruleReadKeys(): string[] {
  const read = new Set([Slot.Event, Slot.Type, Slot.Url, Slot.Request, Slot.Message, Slot.Method, Slot.Journal, Slot.User, Slot.UserAgent]);
  return [...SLOTS].filter(([, slot]) => read.has(slot)).map(([key]) => key);
}

// `type` is often the tag field (category/type); it names an event only when it looks like one.
const TYPE_AS_EVENT = /^(?:auth|login|logon|signin|sign_in|user|account|session|password|email|mfa|2fa)[._:-]/i;

/** True when a `type` value names an event (and so is read as one). */
export function typeNamesEvent(value: string): boolean {
  return TYPE_AS_EVENT.test(value);
}

interface Found { xff: string | null; outcome: unknown }

function scalarText(v: unknown): string | null {
  return typeof v === 'string' ? (v.length > 0 ? v : null) : typeof v === 'number' ? String(v) : null;
}

function collect(o: Obj, out: ParsedLine, found: Found, depth: number): void {
  for (const key in o) {
    const slot = SLOTS.get(key);
    if (slot === undefined) continue;
    const v = o[key];
    switch (slot) {
      case Slot.Time:
        if (out.timeRaw === null && (typeof v === 'string' || typeof v === 'number')) out.timeRaw = v;
        break;
      case Slot.Message:
        if (out.message === null && typeof v === 'string') out.message = v;
        break;
      case Slot.Ip:
        if (out.ip === null && typeof v === 'string') out.ip = normaliseIp(v);
        break;
      case Slot.ForwardedFor:
        if (found.xff === null) found.xff = typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null;
        break;
      case Slot.User:
        if (out.user === null) {
          const u = obj(v);
          out.user = u ? scalarText(u.name ?? u.username ?? u.login ?? u.email ?? u.id) : scalarText(v);
          if (out.user === '-') out.user = null;
        }
        break;
      case Slot.Url:
        if (out.url === null && typeof v === 'string' && v.length > 0) out.url = v;
        break;
      case Slot.Request:
        if (typeof v === 'string') {
          if (out.url === null) out.url = requestTarget(v);
        } else if (depth < 2 && obj(v)) collect(v as Obj, out, found, depth + 1);
        break;
      case Slot.Method:
        if (out.method === null && typeof v === 'string') out.method = v;
        break;
      case Slot.Status:
        if (out.status === 0) out.status = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) || 0 : 0;
        break;
      case Slot.UserAgent:
        if (out.userAgent === null) {
          if (typeof v === 'string') out.userAgent = v;
          else if (Array.isArray(v) && typeof v[0] === 'string') out.userAgent = v[0]; // Caddy: header values are arrays
        }
        break;
      case Slot.Event:
        if (out.event === null) {
          if (typeof v === 'string') out.event = v.toLowerCase();
          else {
            const e = obj(v);
            const a = e ? e.action ?? e.type ?? e.name : undefined;
            if (typeof a === 'string') out.event = a.toLowerCase();
          }
        }
        break;
      case Slot.Type:
        if (out.event === null && typeof v === 'string' && typeNamesEvent(v)) out.event = v.toLowerCase();
        break;
      case Slot.Outcome:
        if (found.outcome === undefined) found.outcome = v;
        break;
      case Slot.Nested:
        if (depth < 2 && obj(v)) collect(v as Obj, out, found, depth + 1);
        break;
      case Slot.Client: {
        const c = obj(v);
        if (out.ip === null && c && typeof c.ip === 'string') out.ip = normaliseIp(c.ip);
        break;
      }
      case Slot.Journal:
        break;
    }
  }
}

/** Parses one JSON line into `out`; false when the line is not a JSON object. */
export function parseJson(line: string, out: ParsedLine): boolean {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return false;
  }
  const o = obj(value);
  if (!o) return false;
  out.json = o;
  if (typeof o.MESSAGE === 'string' && readJournalEntry(o, out)) return true;
  out.format = 'json';
  const found: Found = { xff: null, outcome: undefined };
  collect(o, out, found, 0);
  // A direct client address wins: X-Forwarded-For is written by whoever sends the request.
  if (out.ip === null && found.xff !== null) out.ip = firstForwardedHop(found.xff);
  // Explicit outcome fields: {"event":"login","success":false} or {"outcome":"failure"}.
  const outcome = found.outcome;
  if (outcome !== undefined && out.event !== null && /log[io]n|sign.?in|auth/.test(out.event)) {
    const ok = outcome === true || outcome === 'success' || outcome === 'succeeded' || outcome === 'ok';
    const bad = outcome === false || outcome === 'failure' || outcome === 'failed' || outcome === 'fail' || outcome === 'denied';
    if (ok || bad) out.auth = ok ? AuthOutcome.Success : AuthOutcome.Failure;
  }
  return true;
}

/** "GET /path?q HTTP/1.1" -> "/path?q" (nginx `$request` in JSON log formats). */
export function requestTarget(request: string): string | null {
  const a = request.indexOf(' ');
  if (a < 0) return request.charCodeAt(0) === 47 ? request : null;
  const b = request.indexOf(' ', a + 1);
  return request.slice(a + 1, b < 0 ? undefined : b) || null;
}
