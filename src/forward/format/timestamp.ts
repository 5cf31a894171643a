// RFC 5424 TIMESTAMP: upper-case T/Z, 1-6 fraction digits, mandatory offset (measured: receivers
// garble anything else). Date#toISOString() output is compliant.
const RFC5424_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})$/;

/** A compliant timestamp for an event's `at`, re-rendered if it is not one already. */
export function rfc5424Time(at: string): string {
  if (RFC5424_TIME.test(at)) return at;
  const ms = Date.parse(at);
  return new Date(Number.isNaN(ms) ? Date.now() : ms).toISOString();
}

/** Caches the last rendering: consecutive lines are usually read in the same millisecond. */
export class LineClock {
  private lastMs = -1;
  private lastText = '';
  iso(ms: number): string {
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastText = new Date(ms).toISOString();
    }
    return this.lastText;
  }
}
