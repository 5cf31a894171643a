// Config, events and waiting helpers shared by the alert tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertsSchema, type AlertsConfig } from '../../../src/config/schema/alerts.js';
import type { AlertEvent, LifecycleEvent, LifecycleKind, SecurityEvent, ForwardEvent } from '../../../src/events/types.js';
import { newEventId } from '../../../src/events/id.js';
import { AlertManager } from '../../../src/alerts/index.js';

export function alertsConfig(raw: Record<string, unknown>): AlertsConfig {
  return alertsSchema.parse(raw);
}

export function tempDir(t: { after(fn: () => void | Promise<void>): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-alerts-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A started manager whose emitted events are collected; closed after the test. */
export async function startManager(
  t: { after(fn: () => void | Promise<void>): void },
  raw: Record<string, unknown>,
  extra: { forwarder?: ConstructorParameters<typeof AlertManager>[1]['forwarder']; stateDir?: string } = {},
): Promise<{ manager: AlertManager; events: AlertEvent[]; stateDir: string }> {
  const stateDir = extra.stateDir ?? tempDir(t);
  const events: AlertEvent[] = [];
  const manager = new AlertManager(alertsConfig(raw), {
    stateDir, hostname: 'testhost', emit: (e) => events.push(e),
    ...(extra.forwarder ? { forwarder: extra.forwarder } : {}),
  });
  t.after(() => manager.close());
  await manager.start();
  return { manager, events, stateDir };
}

export function lifecycle(app: string, kind: LifecycleKind, extra: Partial<LifecycleEvent> = {}): LifecycleEvent {
  return { id: newEventId(), at: new Date().toISOString(), type: 'lifecycle', app, kind, reason: `${kind} happened`, ...extra };
}

export function security(extra: Partial<SecurityEvent> = {}): SecurityEvent {
  return {
    id: newEventId(), at: new Date().toISOString(), type: 'security', kind: 'sqli', app: 'api', source: 'stdout',
    line: '{"url":"/search?q=1\' UNION SELECT password FROM users--"}', ip: '203.0.113.7', user: 'mallory',
    rule: 'sqli-union', severity: 'high', message: 'SQL injection attempt', count: 1, ...extra,
  };
}

export function forwardEvent(kind: ForwardEvent['kind'], endpoint: string): ForwardEvent {
  return { id: newEventId(), at: new Date().toISOString(), type: 'forward', kind, endpoint, message: kind };
}

