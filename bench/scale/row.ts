// What the scale bench measures, one row per peer and case: the row type and the cases.
import type { Peer } from './peers.js';

export type Variant = 'plain' | 'limits' | 'heartbeats' | 'tailed';

export interface Row {
  peer: Peer;
  variant: Variant;
  apps: number;
  /** Until every app survived minUptime (bulwark, bare); PM2's CLI returns once they are spawned. */
  startS?: number;
  /** Until the last app was forked. */
  spawnedS?: number;
  /** The supervisor's CPU time (its daemon's whole life) when the start CLI returned. */
  startCpuS?: number;
  online?: number;
  idleCpu?: number;
  /** The median of the readings through the idle window... */
  rssAnonMb?: number;
  /** ... and the largest. */
  rssAnonMaxMb?: number;
  statusS?: number;
  statusBytes?: number;
  statusCliMb?: number;
  eventsCliMb?: number;
  stopS?: number;
  /** Load average (1 min) and the share of both cores busy with anything, over the window. */
  load?: string;
  note?: string;
}
