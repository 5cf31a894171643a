// What the HTTP server may read of the daemon, and the three things it may do. The daemon
// implements it (src/daemon/daemon-view.ts); the server never reaches past it, so the dashboard and
// /metrics can only show what this interface gives and can only act as the control socket does.
import type { EventCounters } from '../events/counters.js';
import type { AppState, BulwarkEvent } from '../events/types.js';
import type { EndpointStatus } from '../forward/endpoint.js';
import type { Offender } from '../logs/offenders.js';
import type { PipelineStats, SourceStats } from '../logs/pipeline.js';
import type { ProbeResult } from '../supervisor/health/probe.js';

/** One instance of one app (0..N-1 with `instances: N`; 0 alone otherwise). */
export interface InstanceView {
  app: string;
  instance: number;
  pid: number | null;
  state: AppState;
  uptimeMs: number;
  restarts: number;
  /** Percent of one core, as `status` shows it. */
  cpu: number | null;
  memoryBytes: number | null;
  health: 'ok' | 'failing' | 'unknown' | 'none';
  lastExit: { code: number | null; signal: string | null; at: string; cause?: string } | null;
}

/** Operations the dashboard offers; each runs the control socket's command of the same name. */
export const APP_ACTIONS = ['restart', 'stop', 'reload'] as const;
export type AppAction = (typeof APP_ACTIONS)[number];

export interface DaemonView {
  readonly version: string;
  readonly hostname: string;
  /** ms since epoch. */
  readonly startedAt: number;
  /** Refreshes the CPU and memory instances() shows, unless sampled within `maxAgeMs`. */
  sampleNow(maxAgeMs: number): Promise<void>;
  instances(): InstanceView[];
  /** The last check of each periodic probe of one instance's current run. */
  probes(app: string, instance: number): ProbeResult[];
  counters(): EventCounters;
  /** The newest `limit` events of the history, oldest first. */
  recentEvents(limit: number): BulwarkEvent[];
  /** Every new event; returns the unsubscribe function. */
  follow(fn: (e: BulwarkEvent) => void): () => void;
  offenders(): Offender[];
  endpoints(): EndpointStatus[];
  pipeline(): { stats: PipelineStats; sources: SourceStats[] } | null;
  alertCounters(): { deduplicated: Record<string, number> };
  /** Runs the control command `action` for one app, as `bulwark <action> <app>` would. */
  operate(action: AppAction, app: string): Promise<unknown>;
}
