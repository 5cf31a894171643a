// `forward:` — syslog/JSON endpoints that events are shipped to. Owned by src/forward.
// Unset protocol/format/framing/maxMessageSize come from the preset, then from the defaults in
// src/forward/settings.ts (tcp, rfc5424, octet-counting, 64 KiB; udp 2,048 bytes).
import { z } from 'zod';
import { duration, size } from './units.js';
import { FACILITIES } from '../names.js';

export { FACILITIES } from '../names.js';

export const forwardSchema = z.strictObject({
  /** Also the spool's directory name, hence no "." or "..". */
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'names use only A-Z a-z 0-9 . _ -').refine((n) => !/^\.+$/.test(n), 'a name cannot be only dots'),
  preset: z.enum(['papertrail', 'logstash']).optional(),
  host: z.string().min(1),
  /** A number, or a string of digits (so `port: ${PAPERTRAIL_PORT}` works). */
  port: z.union([z.number(), z.string().regex(/^\d+$/, 'expected a port number').transform(Number)]).pipe(z.number().int().min(1).max(65535)),
  protocol: z.enum(['udp', 'tcp', 'tls', 'relp']).optional(),
  format: z.enum(['rfc5424', 'rfc3164', 'json']).optional(),
  framing: z.enum(['newline', 'octet-counting']).optional(),
  select: z.array(z.enum(['security', 'alerts', 'lifecycle', 'all'])).default(['security', 'alerts']),
  /** Syslog facility: a name (local0) or its number (16). */
  facility: z.union([z.number().int().min(0).max(23), z.enum(FACILITIES)]).default('local0'),
  /** Longest message on the wire, bytes; longer ones are cut on a UTF-8 boundary (MSG first). */
  maxMessageSize: size.optional(),
  /** PEM text, or a path to a PEM file (tls). Without it the system roots are trusted. */
  ca: z.string().optional(),
  cert: z.string().optional(),
  key: z.string().optional(),
  servername: z.string().optional(),
  rejectUnauthorized: z.boolean().default(true),
  /** RFC 5424: start MSG with a UTF-8 BOM (off: receivers disagree on it). */
  bom: z.boolean().default(false),
  /**
   * tcp/tls: written bytes stay resendable (they may still sit in socket buffers) until this long
   * has passed, or `resendWindowSize` more bytes went out after them, whichever comes first.
   */
  resendWindow: duration.default(5000),
  /** More than both ends' socket buffers can hold (Linux default maxima: 4 MB send, 6 MB receive). */
  resendWindowSize: size.default(32 * 1024 * 1024),
  /** How long `forward test` and a connection attempt may take. */
  timeout: duration.default(10_000),
  spool: z.strictObject({ maxSize: size.default(256 * 1024 * 1024) }).prefault({}),
});

export type ForwardConfig = z.output<typeof forwardSchema>;
/** What a caller may write (durations and sizes still as strings). */
export type ForwardConfigInput = z.input<typeof forwardSchema>;
