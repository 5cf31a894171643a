// Shared pieces of the forwarding acceptance tests: numbered security events, a Forwarder on a
// temp state dir, and counting what a receiver got by event id.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Forwarder } from '../../src/forward/index.js';
import { forwardSchema, type ForwardConfigInput } from '../../src/config/schema/forward.js';
import type { ForwardEvent, SecurityEvent } from '../../src/events/types.js';
import type { ReceivedRecord } from '../helpers/rsyslog.js';

export function securityEvent(id: string, at = new Date().toISOString()): SecurityEvent {
  return {
    id, at, type: 'security', kind: 'brute-force', app: 'api', source: 'stdout', line: `failed login for root from 198.51.100.7 seq=${id}`,
    ip: '198.51.100.7', user: 'root', rule: 'ssh-fail', severity: 'medium', message: 'failed login', count: 1,
  };
}

export function makeForwarder(cfg: ForwardConfigInput, stateDir?: string) {
  const dir = stateDir ?? mkdtempSync(join(tmpdir(), 'bulwark-fwd-'));
  const emitted: ForwardEvent[] = [];
  const fwd = new Forwarder([forwardSchema.parse(cfg)], { stateDir: dir, hostname: 'test-host', emit: (e) => emitted.push(e) });
  return { fwd, emitted, stateDir: dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const ID = / id="([^"]+)"\]$/;

/** Distinct event ids received and how many records were duplicates. */
export function countIds(records: ReceivedRecord[], prefix: string): { unique: Set<string>; duplicates: number; duplicated: string[] } {
  const unique = new Set<string>();
  const duplicated: string[] = [];
  let duplicates = 0;
  for (const r of records) {
    const id = ID.exec(r.sd)?.[1];
    if (!id || !id.startsWith(prefix)) continue;
    if (unique.has(id)) {
      duplicates++;
      if (duplicated.length < 20) duplicated.push(id);
    }
    else unique.add(id);
  }
  return { unique, duplicates, duplicated };
}

export function missing(unique: Set<string>, prefix: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) if (!unique.has(`${prefix}${i}`)) out.push(`${prefix}${i}`);
  return out;
}
