// What every health probe tells its app: a check passed, a check failed, or the app is hung.
export type ProbeName = 'heartbeat' | 'http' | 'tcp' | 'silence';

export interface ProbeReport {
  ok(probe: ProbeName): void;
  /** One failed check (`consecutive` in a row), not yet a hang. */
  fail(probe: ProbeName, reason: string, consecutive: number): void;
  /** The probe's threshold was crossed: the app is hung and must be restarted. */
  hung(probe: ProbeName, reason: string): void;
}

/** The last check of a periodic probe, for metrics. */
export interface ProbeResult {
  probe: ProbeName;
  ok: boolean;
  latencyMs: number;
  at: number;
}

export interface HealthProbe {
  stop(): void;
  /** The last check (periodic probes); null before the first or for deadline probes. */
  last?(): ProbeResult | null;
}
