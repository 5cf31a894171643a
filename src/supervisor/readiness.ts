// When a spawned instance counts as `online` (docs/cluster.md "Readiness"): with `wait_ready`
// after the app's process.send('ready'); a reload's new instance in cluster mode once it listens
// (as PM2 waits for it); a reload's new instance on `listen:` sockets once it has run for
// restart.minUptime (nothing else tells a socket-activated server's readiness; a shorter run is a
// failed start anyway, so a version that crashes at start stops the reload); an app of one instance on a port of its own with an HTTP probe once the
// probe first passes; otherwise as soon as it was spawned. `listen_timeout` bounds the wait.
// Outside a reload a late instance is online anyway (as in PM2: the restart policy and the health
// probes judge it from there); a reload's new instance must be ready in time, or the reload stops
// with the old instances serving.
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_LISTEN_TIMEOUT_MS } from '../config/schema/cluster.js';
import type { AppConfig } from '../config/schema/index.js';
import type { PortSharing } from './cluster-mode.js';
import { httpCheck } from './health/http-check.js';

export type ReadySource = 'message' | 'listening' | 'http' | 'uptime';

export interface Readiness {
  source: ReadySource;
  timeoutMs: number;
  /** Not ready in time is a failure (a reload's new instance), not a late `online`. */
  required: boolean;
  url?: string;
}

export type ReadyOutcome = { outcome: 'ready'; how: string } | { outcome: 'timeout' } | { outcome: 'ended' };

/** What an instance waits for; `replacing`: it replaces a running one in a reload (did that one listen?). */
export function readinessOf(cfg: AppConfig, sharing: PortSharing, instances: number, replacing?: { listened: boolean }): Readiness | null {
  const timeoutMs = cfg.listen_timeout ?? DEFAULT_LISTEN_TIMEOUT_MS;
  const required = replacing !== undefined;
  if (cfg.wait_ready === true) return { source: 'message', timeoutMs, required };
  if (replacing !== undefined) {
    // The old instance must not stop before the new one accepts; a cluster worker that never
    // listened (a queue consumer) is ready once spawned.
    if (sharing === 'listen-fds') return { source: 'uptime', timeoutMs: cfg.restart.minUptime, required };
    return sharing === 'cluster' && replacing.listened ? { source: 'listening', timeoutMs, required } : null;
  }
  // Only a port of its own says something about this instance: a shared one answers from any.
  const http = cfg.health.http;
  if (http !== undefined && sharing === 'none' && instances === 1) return { source: 'http', url: http.url, timeoutMs, required: false };
  return null;
}

export function describeReadiness(r: Readiness): string {
  switch (r.source) {
    case 'message': return "process.send('ready') (wait_ready)";
    case 'listening': return 'a listen() (cluster mode)';
    case 'http': return `a first passing GET ${r.url}`;
    case 'uptime': return 'a run as long as restart.minUptime (listen:)';
  }
}

/** Collects the readiness signals of one run; `wait()` resolves on the awaited one, the timeout or the run's end. */
export class ReadyWatch {
  /** Made at the first signal: most runs get none (an empty Map is ~220 bytes, per app). */
  private seen: Map<ReadySource, string> | null = null;
  private waiter: ((o: ReadyOutcome) => void) | null = null;
  private awaited: ReadySource | null = null;
  private ended = false;

  /** A signal arrived (kept for a wait that starts later: an app may be ready before anyone asks). */
  saw(source: ReadySource, how: string): void {
    this.seen ??= new Map();
    if (!this.seen.has(source)) this.seen.set(source, how);
    if (this.awaited === source) this.settle({ outcome: 'ready', how });
  }

  /** Whether `source` signalled readiness already. */
  has(source: ReadySource): boolean {
    return this.seen?.has(source) ?? false;
  }

  /** The run ended: a wait resolves `ended`, now or when it starts. */
  end(): void {
    this.ended = true;
    this.settle({ outcome: 'ended' });
  }

  wait(r: Readiness): Promise<ReadyOutcome> {
    if (this.ended) return Promise.resolve({ outcome: 'ended' });
    const seen = this.seen?.get(r.source);
    if (seen !== undefined) return Promise.resolve({ outcome: 'ready', how: seen });
    return new Promise((resolve) => {
      this.awaited = r.source;
      // `uptime`: still running when the time is up is the readiness itself.
      const timer = setTimeout(() => this.settle(r.source === 'uptime' ? { outcome: 'ready', how: `up for ${r.timeoutMs} ms` } : { outcome: 'timeout' }), r.timeoutMs);
      this.waiter = (o) => {
        clearTimeout(timer);
        resolve(o);
      };
      if (r.source === 'http') void this.poll(r.url!, Date.now() + r.timeoutMs);
    });
  }

  private settle(o: ReadyOutcome): void {
    const w = this.waiter;
    this.waiter = null;
    this.awaited = null;
    w?.(o);
  }

  /** GET every 100 ms until one passes, the wait ends, or the deadline. */
  private async poll(url: string, deadline: number): Promise<void> {
    const check = httpCheck(url);
    while (this.awaited === 'http' && Date.now() < deadline) {
      try {
        await check(Math.max(100, Math.min(1_000, deadline - Date.now())));
        this.saw('http', `GET ${url} passed`);
        return;
      } catch {
        await sleep(100);
      }
    }
  }
}
