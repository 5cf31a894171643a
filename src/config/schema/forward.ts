// `forward:` — syslog/JSON endpoints that events are shipped to. Owned by src/logs/forward.
import { z } from 'zod';
import { size } from './units.js';

export const forwardSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'names use only A-Z a-z 0-9 . _ -'),
  preset: z.enum(['papertrail', 'logstash']).optional(),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  protocol: z.enum(['udp', 'tcp', 'tls', 'relp']).optional(),
  format: z.enum(['rfc5424', 'rfc3164', 'json']).optional(),
  framing: z.enum(['newline', 'octet-counting']).optional(),
  select: z.array(z.enum(['security', 'alerts', 'lifecycle', 'all'])).default(['security', 'alerts']),
  facility: z.union([z.number().int().min(0).max(23), z.string()]).default('local0'),
  maxMessageSize: size.optional(),
  ca: z.string().optional(),
  cert: z.string().optional(),
  key: z.string().optional(),
  servername: z.string().optional(),
  rejectUnauthorized: z.boolean().default(true),
  spool: z.strictObject({ maxSize: size.default(256 * 1024 * 1024) }).prefault({}),
});

export type ForwardConfig = z.output<typeof forwardSchema>;
