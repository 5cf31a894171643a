// `alerts:` — who hears about crashes, hangs and attacks, and how. Owned by src/alerts.
import { z } from 'zod';
import { duration } from './units.js';

export const ALERT_KINDS = ['crash', 'hang', 'errored', 'memory', 'cpu', 'health', 'security', 'forward-down', 'recovered'] as const;

const common = { name: z.string().optional(), timeout: duration.default(10_000) };
const channel = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('webhook'), url: z.url(), ...common }),
  z.strictObject({ type: z.literal('email'), smtp: z.string().min(1), to: z.union([z.string(), z.array(z.string())]), from: z.string().optional(), ...common }),
  z.strictObject({ type: z.literal('exec'), command: z.array(z.string().min(1)).min(1), ...common }),
  z.strictObject({ type: z.literal('syslog'), forward: z.string().min(1), ...common }),
]);

export const alertsSchema = z.strictObject({
  channels: z.array(channel).default([]),
  /** A list of kinds, or a map kind -> channel names (or true for all channels). */
  on: z.union([
    z.array(z.enum(ALERT_KINDS)),
    z.partialRecord(z.enum(ALERT_KINDS), z.union([z.literal(true), z.array(z.string())])),
  ]).default(['crash', 'hang', 'errored', 'memory', 'cpu', 'health', 'security']),
  minSeverity: z.enum(['low', 'medium', 'high', 'critical']).default('medium'),
  dedupe: duration.default(300_000),
  rateLimit: z.strictObject({ max: z.number().int().min(1).default(30), per: duration.default(60_000) }).prefault({}),
  expire: duration.default(86_400_000),
  forwardDownAfter: duration.default(300_000),
}).prefault({});

export type AlertsConfig = z.output<typeof alertsSchema>;
export type ChannelConfig = AlertsConfig['channels'][number];
export type AlertKind = (typeof ALERT_KINDS)[number];
