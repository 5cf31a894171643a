// The durable alert queue: one JSON file per alert in <stateDir>/pending/, rewritten atomically
// (write tmp, fsync, rename) whenever a delivery changes state, deleted when every channel is done.
// A SIGKILL at any point leaves either the old or the new file, never a torn one.
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { readPrivateFile } from '../common/private-file.js';
import { writeFileAtomic } from '../common/atomic-file.js';
import { join } from 'node:path';
import type { Alert } from './alert.js';

export interface Delivery {
  state: 'pending' | 'sent' | 'expired';
  attempts: number;
  lastError?: string;
  sentAt?: string;
}

export interface PendingAlert {
  v: 1;
  alert: Alert;
  /** ms since epoch after which undelivered channels give up (`alert.expired`). */
  expiresAt: number;
  /** channel name -> its delivery. */
  deliveries: Record<string, Delivery>;
}

export class AlertQueue {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'pending');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** Every stored alert, oldest first; unreadable files are set aside as .bad and counted. */
  load(): { alerts: PendingAlert[]; bad: number } {
    const alerts: PendingAlert[] = [];
    let bad = 0;
    for (const name of readdirSync(this.dir).sort()) {
      const file = join(this.dir, name);
      if (name.endsWith('.tmp')) { rmSync(file, { force: true }); continue; }
      if (!name.endsWith('.json')) continue;
      try {
        const p = JSON.parse(readPrivateFile(file) ?? 'null') as PendingAlert;
        if (p.v !== 1 || typeof p.alert?.id !== 'string' || typeof p.deliveries !== 'object') throw new Error('not a queued alert');
        alerts.push(p);
      } catch {
        bad++;
        renameSync(file, `${file}.bad`);
      }
    }
    return { alerts, bad };
  }

  /** Stores the alert's current state durably before returning; removes it once nothing is pending. */
  save(p: PendingAlert): void {
    const file = join(this.dir, `${p.alert.id}.json`);
    if (Object.values(p.deliveries).every((d) => d.state !== 'pending')) {
      rmSync(file, { force: true });
      return;
    }
    writeFileAtomic(file, JSON.stringify(p));
  }
}
