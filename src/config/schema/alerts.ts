// `alerts:` — who hears about crashes, hangs and attacks, and how. Owned by src/alerts (see docs/alerts.md).
import { z } from 'zod';
import { duration } from './units.js';
import { channelNames } from '../names.js';

export { channelNames };

export const ALERT_KINDS = ['crash', 'hang', 'errored', 'memory', 'cpu', 'health', 'security', 'forward-down', 'recovered',
  'ban', 'ban-storm', 'ban-error', 'reload-failed'] as const;

const common = {
  /** How `on`, `alert test` and events name the channel; defaults to its type (type-N when a type repeats). */
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" or "-"').optional(),
  /** One delivery attempt may take this long. */
  timeout: duration.default(10_000),
};
const channel = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('webhook'), url: z.url(), ...common }),
  z.strictObject({
    type: z.literal('email'),
    /** smtp://user:${PASS}@host:587 (STARTTLS when offered) or smtps://... (TLS from the start). */
    smtp: z.string().regex(/^smtps?:\/\//, 'expected smtp://... or smtps://...'),
    to: z.union([z.string(), z.array(z.string()).min(1)]),
    from: z.string().optional(),
    ...common,
  }),
  z.strictObject({ type: z.literal('exec'), command: z.array(z.string().min(1)).min(1), ...common }),
  z.strictObject({ type: z.literal('syslog'), forward: z.string().min(1), ...common }),
]);

export const alertsSchema = z.strictObject({
  channels: z.array(channel).default([]),
  /** A list of kinds, or a map kind -> channel names (or true for all channels). */
  on: z.union([
    z.array(z.enum(ALERT_KINDS)),
    z.partialRecord(z.enum(ALERT_KINDS), z.union([z.literal(true), z.array(z.string())])),
  ]).default(['crash', 'hang', 'errored', 'memory', 'cpu', 'health', 'security', 'ban-storm', 'ban-error', 'reload-failed']),
  /** Security detections below this severity do not alert (they are still recorded and forwarded). */
  minSeverity: z.enum(['low', 'medium', 'high', 'critical']).default('medium'),
  /** Same kind+app+key at most once per window; a summary counts the rest. Also ends a quiet flapping episode. */
  dedupe: duration.default(300_000),
  /** Per channel: at most `max` deliveries per `per`; the rest wait in the queue (never dropped). */
  rateLimit: z.strictObject({ max: z.number().int().min(1).default(30), per: duration.default(60_000) }).prefault({}),
  /** A flapping app counts as recovered once online this long with no new failure (keep it >= the apps' minUptime). */
  recoverAfter: duration.default(60_000),
  /** A failing channel is retried with this capped exponential backoff ... */
  retry: z.strictObject({
    initial: duration.default(1_000),
    max: duration.default(60_000),
    factor: z.number().min(1).default(2),
  }).prefault({}),
  /** ... until the alert is this old; then `alert.expired`. */
  expire: duration.default(86_400_000),
  /** A forward endpoint down this long raises a `forward-down` alert. */
  forwardDownAfter: duration.default(300_000),
}).superRefine((a, ctx) => {
  const names = channelNames(a.channels);
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) ctx.addIssue({ code: 'custom', path: ['channels', i, 'name'], message: `duplicate channel name "${n}"` });
    seen.add(n);
  });
  if (!Array.isArray(a.on)) {
    for (const [kind, target] of Object.entries(a.on)) {
      if (target === true || target === undefined) continue;
      target.forEach((n, i) => {
        if (!seen.has(n)) {
          ctx.addIssue({ code: 'custom', path: ['on', kind, i], message: `no alert channel named "${n}" (channels: ${[...seen].join(', ') || 'none'})` });
        }
      });
    }
  }
}).prefault({});

/** The name each channel goes by: its `name`, else its type, else type-N (1-based) when the type repeats. */

export type AlertsConfig = z.output<typeof alertsSchema>;
export type ChannelConfig = AlertsConfig['channels'][number];
export type AlertKind = (typeof ALERT_KINDS)[number];
