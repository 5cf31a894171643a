// `security:` — what the log pipeline treats as an attack. Owned by the log pipeline (src/logs/detect).
import { z } from 'zod';
import { duration } from './units.js';
import { banSchema, DEFAULT_BAN_KINDS } from './ban.js';
import { SECURITY_KINDS, SEVERITIES } from './security-kinds.js';

const customRule = z.strictObject({
  name: z.string().min(1),
  pattern: z.string().min(1),
  /** A parsed field (ip, user, url, message, ...) to match; the whole line when absent. */
  field: z.string().optional(),
  /** RegExp flags, e.g. "i" (custom patterns run on every line: keep them linear). */
  flags: z.string().regex(/^[imsu]*$/, 'expected RegExp flags among i, m, s, u').optional(),
  kind: z.enum(SECURITY_KINDS).default('custom'),
  severity: z.enum(SEVERITIES).default('medium'),
});

export const securitySchema = z.strictObject({
  tags: z.strictObject({
    fields: z.array(z.string()).default(['category', 'tags', 'type']),
    values: z.array(z.string()).default(['malicious-traffic', 'malicious']),
  }).prefault({}),
  rules: z.enum(['default', 'none']).default('default'),
  custom: z.array(customRule).default([]),
  // At least as strict as fail2ban's jail defaults (5 failures within 10m per address), plus a long
  // window for slow guessing that stays under a short window's threshold (null turns it off).
  thresholds: z.strictObject({
    bruteForce: z.strictObject({
      maxretry: z.number().int().min(1).default(5),
      findtime: duration.default(600_000),
      slow: z.strictObject({ maxretry: z.number().int().min(1).default(10), findtime: duration.default(3_600_000) }).nullable().prefault({}),
    }).prefault({}),
    credentialStuffing: z.strictObject({ users: z.number().int().min(2).default(5), findtime: duration.default(300_000) }).prefault({}),
    probes: z.strictObject({ maxretry: z.number().int().min(1).default(3), findtime: duration.default(600_000) }).prefault({}),
  }).prefault({}),
  newIpLogin: z.boolean().default(true),
  ignore: z.array(z.string()).default([]),
  /** Path prefixes the app really serves (e.g. /wp-admin on a WordPress site): never sensitive-file. */
  ignorePaths: z.array(z.string().startsWith('/')).default([]),
  ban: banSchema(SECURITY_KINDS, SEVERITIES, [...DEFAULT_BAN_KINDS], 'high').prefault({}),
});

export type SecurityConfig = z.output<typeof securitySchema>;
export type { SecurityKind, Severity } from './security-kinds.js';
export type BanConfig = SecurityConfig['ban'];
