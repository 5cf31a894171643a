// JSON log lines: winston (timestamp/message/level), pino (time/msg/level), pino-http (req/res),
// Bunyan, ECS-ish shapes and the usual field aliases.
import { AuthOutcome, type ParsedLine } from './parsed.js';
import { firstForwardedHop, normaliseIp } from './ip.js';

type Obj = Record<string, unknown>;

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}
function obj(v: unknown): Obj | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null;
}
function header(headers: Obj | null, name: string): string | null {
  if (!headers) return null;
  const v = headers[name];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null;
}

function ipFrom(o: Obj): string | null {
  const direct = o.ip ?? o.remoteAddress ?? o.remote_addr ?? o.client_ip ?? o.clientIp ?? o.clientIP
    ?? o.remote_ip ?? o.remoteIp ?? o.src_ip ?? o.source_ip ?? o.ip_address ?? o.ipAddress ?? o.ipaddr;
  if (typeof direct === 'string') return normaliseIp(direct);
  const xff = o['x-forwarded-for'] ?? o.x_forwarded_for ?? o.xForwardedFor ?? o.forwardedFor;
  if (typeof xff === 'string') return firstForwardedHop(xff);
  const client = obj(o.client) ?? obj(o.source);
  if (client && typeof client.ip === 'string') return normaliseIp(client.ip);
  return null;
}

function userFrom(o: Obj): string | null {
  const u = o.user;
  if (typeof u === 'string') return u || null;
  if (typeof u === 'number') return String(u);
  const uo = obj(u);
  if (uo) {
    const n = uo.name ?? uo.username ?? uo.login ?? uo.email ?? uo.id;
    if (typeof n === 'string' || typeof n === 'number') return String(n);
  }
  const v = o.username ?? o.userName ?? o.user_name ?? o.userId ?? o.user_id ?? o.login ?? o.email
    ?? o.account ?? o.target_user ?? o.targetUser ?? o.principal;
  return typeof v === 'string' ? v || null : typeof v === 'number' ? String(v) : null;
}

function eventFrom(o: Obj): string | null {
  const e = o.event ?? o.action ?? o.evt ?? o.activity ?? o.audit ?? o.eventName ?? o.event_type ?? o.eventType;
  if (typeof e === 'string') return e.toLowerCase();
  const eo = obj(e);
  if (eo) {
    const a = eo.action ?? eo.type ?? eo.name;
    if (typeof a === 'string') return a.toLowerCase();
  }
  // `type` is often the tag field (category/type); use it only when it looks like an event name.
  const t = o.type;
  return typeof t === 'string' && /^(?:auth|login|logon|signin|sign_in|user|account|session|password|email|mfa|2fa)[._:-]/i.test(t)
    ? t.toLowerCase() : null;
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
  out.format = 'json';
  out.json = o;
  const t = o.time ?? o.timestamp ?? o['@timestamp'] ?? o.ts ?? o.date ?? o.datetime;
  out.timeRaw = typeof t === 'string' || typeof t === 'number' ? t : null;
  const msg = o.msg ?? o.message;
  out.message = typeof msg === 'string' ? msg : null;

  const req = obj(o.req) ?? obj(o.request) ?? obj(o.http);
  const res = obj(o.res) ?? obj(o.response);
  const headers = obj(req?.headers) ?? obj(o.headers);

  out.ip = ipFrom(o) ?? (req ? ipFrom(req) : null) ?? (headers ? ipFrom(headers) : null);
  out.user = userFrom(o) ?? (req ? userFrom(req) : null);
  out.url = str(o.url) ?? str(o.originalUrl) ?? str(o.path) ?? str(o.uri) ?? str(o.request_uri)
    ?? (req ? str(req.originalUrl) ?? str(req.url) ?? str(req.path) ?? str(req.uri) : null)
    ?? (typeof o.request === 'string' ? requestTarget(o.request) : null);
  out.method = str(o.method) ?? str(o.http_method) ?? (req ? str(req.method) : null);
  const status = o.status ?? o.statusCode ?? o.status_code ?? res?.statusCode ?? res?.status ?? res?.status_code;
  out.status = typeof status === 'number' ? status : typeof status === 'string' ? Number(status) || 0 : 0;
  out.userAgent = str(o.userAgent) ?? str(o.user_agent) ?? str(o.ua) ?? str(o.http_user_agent)
    ?? header(headers, 'user-agent');
  out.event = eventFrom(o);
  // Explicit outcome fields: {"event":"login","success":false} or {"outcome":"failure"}.
  const outcome = o.success ?? o.outcome ?? o.result ?? o.ok;
  if (outcome !== undefined && out.event !== null && /log[io]n|sign.?in|auth/.test(out.event)) {
    const ok = outcome === true || outcome === 'success' || outcome === 'succeeded' || outcome === 'ok';
    const bad = outcome === false || outcome === 'failure' || outcome === 'failed' || outcome === 'fail' || outcome === 'denied';
    if (ok || bad) out.auth = ok ? AuthOutcome.Success : AuthOutcome.Failure;
  }
  return true;
}

/** "GET /path?q HTTP/1.1" -> "/path?q" (nginx `$request` in JSON log formats). */
function requestTarget(request: string): string | null {
  const a = request.indexOf(' ');
  if (a < 0) return request.charCodeAt(0) === 47 ? request : null;
  const b = request.indexOf(' ', a + 1);
  return request.slice(a + 1, b < 0 ? undefined : b) || null;
}
