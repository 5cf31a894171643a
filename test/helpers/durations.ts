// Real-time waits of the tests, as parameters: the suite runs them short, a long run sets them
// to what the issue measured, e.g. BULWARK_TEST_OUTAGE_MS=30000 for the 30 s receiver outages.

/** How long a receiver (syslog, webhook) stays down in the outage tests (default 3 s). */
export const OUTAGE_MS = Number(process.env.BULWARK_TEST_OUTAGE_MS ?? 3_000);

/** `ms` as the tests' titles say it ("3 s"). */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
