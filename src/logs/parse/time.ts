// Times as logs write them -> ms since the epoch. Thresholds run on these, not on read time.

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};
// 10/Oct/2024:13:55:36 +0000 (CLF)
const CLF_TIME = /^(\d{1,2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?: ([+-])(\d{2})(\d{2}))?$/;
// Oct 10 13:55:36 (BSD syslog: no year, no zone; read as UTC in the year of the reference time)
const SYSLOG_TIME = /^([A-Za-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})$/;

/** ms since epoch, or NaN when the value is not a time we know. `ref` supplies the year syslog omits. */
export function parseLogTime(raw: string | number | null, ref: number): number {
  if (raw === null) return NaN;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return NaN;
    return raw < 1e11 ? raw * 1000 : raw; // epoch seconds (e.g. 1700000000.123) vs ms (pino)
  }
  const c = raw.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    if (raw.length <= 14 && /^\d+(\.\d+)?$/.test(raw)) return parseLogTime(Number(raw), ref);
    const clf = CLF_TIME.exec(raw);
    if (clf) {
      const month = MONTHS[clf[2]!.toLowerCase()];
      if (month === undefined) return NaN;
      const utc = Date.UTC(+clf[3]!, month, +clf[1]!, +clf[4]!, +clf[5]!, +clf[6]!);
      const offset = clf[7] ? (clf[7] === '-' ? -1 : 1) * ((+clf[8]!) * 60 + (+clf[9]!)) * 60_000 : 0;
      return utc - offset;
    }
    return Date.parse(raw); // ISO 8601 and RFC 3339 (NaN otherwise)
  }
  const sys = SYSLOG_TIME.exec(raw);
  if (sys) {
    const month = MONTHS[sys[1]!.toLowerCase()];
    if (month === undefined) return NaN;
    const now = Number.isFinite(ref) ? ref : Date.now();
    const year = new Date(now).getUTCFullYear();
    const t = Date.UTC(year, month, +sys[2]!, +sys[3]!, +sys[4]!, +sys[5]!);
    // A December line read in January belongs to last year.
    return t > now + 86_400_000 ? Date.UTC(year - 1, month, +sys[2]!, +sys[3]!, +sys[4]!, +sys[5]!) : t;
  }
  return Date.parse(raw);
}
