// The durable alert queue: one JSON file per alert in <stateDir>/pending/, rewritten atomically
// (write tmp, fsync, rename) whenever a delivery changes state, deleted when every channel is done.
// A SIGKILL at any point leaves either the old or the new file, never a torn one. The writes run
// off the event loop, one at a time per alert (each writes the state as it was when asked).
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { readPrivateFile } from '../common/private-file.js';
import { writeFileAtomicAsync } from '../common/atomic-file.js';
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
  /** The latest write of each alert still running. */
  private readonly writes = new Map<string, Promise<void>>();

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

  /** Stores the alert's current state durably (resolves then; rejects if the disk refused); removes it once nothing is pending. */
  save(p: PendingAlert): Promise<void> {
    const id = p.alert.id;
    const file = join(this.dir, `${id}.json`);
    const done = Object.values(p.deliveries).every((d) => d.state !== 'pending');
    const data = done ? '' : JSON.stringify(p);
    const write = (): Promise<void> => (done ? rm(file, { force: true }) : writeFileAtomicAsync(file, data));
    const previous = this.writes.get(id);
    const run = previous ? previous.then(write, write) : write();
    this.writes.set(id, run);
    const forget = (): void => { if (this.writes.get(id) === run) this.writes.delete(id); };
    run.then(forget, forget);
    return run;
  }

  /** Resolves once every save asked for so far has finished (whatever its outcome); undefined when none is running. */
  idle(): Promise<void> | undefined {
    if (this.writes.size === 0) return undefined;
    // The latest write of an alert runs after its earlier ones: waiting on the latest covers them.
    return Promise.allSettled([...this.writes.values()]).then(() => {});
  }
}
