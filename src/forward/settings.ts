// One endpoint's effective settings: the config entry, then its preset, then the defaults.
// Validated once here, at the edge, so the senders never second-guess them.
import { readFileSync } from 'node:fs';
import type { ForwardConfig } from '../config/schema/forward.js';
import { FACILITIES } from '../config/names.js';
import { ForwardError } from './errors.js';

export type Protocol = 'udp' | 'tcp' | 'tls' | 'relp';
export type Format = 'rfc5424' | 'rfc3164' | 'json';
export type Framing = 'newline' | 'octet-counting';
export type Selection = 'security' | 'alerts' | 'lifecycle' | 'all';

export interface EndpointSettings {
  name: string;
  host: string;
  port: number;
  protocol: Protocol;
  format: Format;
  framing: Framing;
  select: ReadonlySet<Selection>;
  facility: number;
  maxMessageSize: number;
  bom: boolean;
  resendWindowMs: number;
  resendWindowBytes: number;
  timeoutMs: number;
  spoolMaxSize: number;
  tls: { ca?: string; cert?: string; key?: string; servername?: string; rejectUnauthorized: boolean };
}

interface Preset { protocol: Protocol; format: Format; framing: Framing; maxMessageSize: number }

export const PRESETS: Record<'papertrail' | 'logstash', Preset> = {
  // What remote_syslog2 sends; Papertrail keeps up to 100,000 bytes over TCP/TLS.
  papertrail: { protocol: 'tls', format: 'rfc5424', framing: 'newline', maxMessageSize: 100_000 },
  // Logstash `tcp` input with the json_lines codec.
  logstash: { protocol: 'tcp', format: 'json', framing: 'newline', maxMessageSize: 1024 * 1024 },
};

// RFC 5426: receivers SHOULD take 2,048 bytes; more risks IP fragmentation.
const UDP_DEFAULT_MAX = 2048;
const STREAM_DEFAULT_MAX = 64 * 1024;
const UDP_HARD_MAX = 65_507;

export function resolveEndpoint(c: ForwardConfig): EndpointSettings {
  const preset = c.preset ? PRESETS[c.preset] : undefined;
  const protocol = c.protocol ?? preset?.protocol ?? 'tcp';
  const format = c.format ?? preset?.format ?? 'rfc5424';
  // RFC 5425 requires octet counting over TLS; newline is what line-based receivers want.
  const framing = c.framing ?? preset?.framing ?? (format === 'json' ? 'newline' : 'octet-counting');
  let maxMessageSize = c.maxMessageSize ?? (protocol === 'udp' ? UDP_DEFAULT_MAX : preset?.maxMessageSize ?? STREAM_DEFAULT_MAX);
  if (protocol === 'udp') maxMessageSize = Math.min(maxMessageSize, UDP_HARD_MAX);
  return {
    name: c.name,
    host: c.host,
    port: c.port,
    protocol,
    format,
    framing,
    select: new Set(c.select),
    facility: typeof c.facility === 'number' ? c.facility : FACILITIES.indexOf(c.facility),
    maxMessageSize: Math.max(maxMessageSize, 480),
    bom: c.bom ?? false,
    resendWindowMs: c.resendWindow ?? 5000,
    resendWindowBytes: c.resendWindowSize ?? 32 * 1024 * 1024,
    timeoutMs: c.timeout ?? 10_000,
    spoolMaxSize: c.spool?.maxSize ?? 256 * 1024 * 1024,
    tls: {
      ca: pem(c.ca), cert: pem(c.cert), key: pem(c.key),
      servername: c.servername, rejectUnauthorized: c.rejectUnauthorized ?? true,
    },
  };
}

/** `ca`/`cert`/`key` hold PEM text or a path to it. */
function pem(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.includes('-----BEGIN') ? value : readFileSync(value, 'utf8');
}

/** Settings of every endpoint, checked as a whole (names are spool directories: no two alike). */
export function resolveAll(configs: ForwardConfig[]): EndpointSettings[] {
  const seen = new Set<string>();
  return configs.map((c) => {
    const s = resolveEndpoint(c);
    if (seen.has(s.name)) throw new ForwardError('EFWD_CONFIG', `two forward endpoints are named "${s.name}"`);
    seen.add(s.name);
    return s;
  });
}

/** Equal for settings that need no new connection or spool (a reload keeps such an endpoint running). */
export function settingsKey(s: EndpointSettings): string {
  return JSON.stringify({ ...s, select: [...s.select].sort() });
}
