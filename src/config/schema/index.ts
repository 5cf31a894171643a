// The whole bulwark.yml. Each section lives in its own file, owned by the module that reads it.
import { z } from 'zod';
import { appSchema, type AppConfig } from './apps.js';
import { securitySchema } from './security.js';
import { forwardSchema } from './forward.js';
import { alertsSchema } from './alerts.js';
import { httpSchema } from './http.js';

export const configSchema = z.strictObject({
  apps: z.array(appSchema).default([]),
  security: securitySchema.prefault({}),
  forward: z.array(forwardSchema).default([]),
  alerts: alertsSchema,
  /** Off unless present. */
  http: httpSchema.optional(),
}).superRefine((c, ctx) => {
  const seen = new Set<string>();
  c.apps.forEach((a, i) => {
    if (seen.has(a.name)) ctx.addIssue({ code: 'custom', path: ['apps', i, 'name'], message: `duplicate app name "${a.name}"` });
    seen.add(a.name);
  });
  const endpoints = new Set<string>();
  c.forward.forEach((f, i) => {
    if (endpoints.has(f.name)) ctx.addIssue({ code: 'custom', path: ['forward', i, 'name'], message: `duplicate forward endpoint name "${f.name}"` });
    endpoints.add(f.name);
  });
  c.alerts.channels.forEach((ch, i) => {
    if (ch.type === 'syslog' && !endpoints.has(ch.forward)) {
      ctx.addIssue({ code: 'custom', path: ['alerts', 'channels', i, 'forward'], message: `no forward endpoint named "${ch.forward}"` });
    }
  });
});

export type BulwarkConfig = Omit<z.output<typeof configSchema>, 'apps'> & { apps: AppConfig[] };
export type { AppConfig } from './apps.js';
export type { SecurityConfig, SecurityKind, Severity, BanConfig } from './security.js';
export type { ForwardConfig } from './forward.js';
export type { AlertsConfig, ChannelConfig, AlertKind } from './alerts.js';
export type { HttpConfig } from './http.js';
