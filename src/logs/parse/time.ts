// Times as logs write them -> ms since the epoch. Thresholds run on these, not on read time.
// A time without a zone (BSD syslog, nginx, Apache, `2024-10-10 13:55:36`) is read as UTC.

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};
// 10/Oct/2024:13:55:36 +0000 (CLF)
const CLF_TIME = /^(\d{1,2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?: ([+-])(\d{2})(\d{2}))?$/;
// Oct 10 13:55:36 (BSD syslog: no year, no zone; read in the year of the reference time)
const SYSLOG_TIME = /^([A-Za-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;
// Sun Dec 04 04:47:44 2005, Sat Jul 20 21:34:49.453232 2013 (Apache error log, ctime as vsftpd writes it)
const CTIME = /^[A-Za-z]{3} ([A-Za-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (\d{4})$/;
// 2024/10/10 13:55:36 (nginx error log)
const SLASH_DATE = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
// 2024-10-10T13:55:36[.123][Z|+00:00|+0000] and `2024-10-10 13:55:36,123`
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;
// @4000000063f1c2d0... (TAI64N, daemontools/s6 multilog)
const TAI64N = /^@4000([0-9a-f]{12})([0-9a-f]{8})?$/i;

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string | undefined): number {
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  return Date.UTC(y, mo, d, h, mi, s, ms);
}

function month(name: string): number {
  return MONTHS[name.toLowerCase()] ?? -1;
}

/** ms since epoch, or NaN when the value is not a time we know. `ref` supplies the year syslog omits. */
export function parseLogTime(raw: string | number | null, ref: number): number {
  if (raw === null) return NaN;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return NaN;
    // epoch seconds (1700000000.123), ms (pino), µs (journald __REALTIME_TIMESTAMP)
    return raw < 1e11 ? raw * 1000 : raw < 1e14 ? raw : raw / 1000;
  }
  const c = raw.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    if (raw.length <= 17 && /^\d+(\.\d+)?$/.test(raw)) return parseLogTime(Number(raw), ref);
    let m = ISO.exec(raw);
    if (m) {
      const t = utc(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, m[7]);
      const zone = m[8];
      if (zone === undefined || zone === 'Z') return t;
      const sign = zone.charCodeAt(0) === 45 ? -1 : 1;
      const hh = +zone.slice(1, 3);
      const mm = +zone.slice(zone.length - 2);
      return t - sign * (hh * 60 + mm) * 60_000;
    }
    if ((m = CLF_TIME.exec(raw))) {
      const mo = month(m[2]!);
      if (mo < 0) return NaN;
      const t = Date.UTC(+m[3]!, mo, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
      const offset = m[7] ? (m[7] === '-' ? -1 : 1) * ((+m[8]!) * 60 + (+m[9]!)) * 60_000 : 0;
      return t - offset;
    }
    if ((m = SLASH_DATE.exec(raw))) return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
    return Date.parse(raw); // other ISO 8601 / RFC 3339 shapes (NaN otherwise)
  }
  if (c === 64 /* @ */) {
    const m = TAI64N.exec(raw);
    // TAI64 labels count from 2^62; TAI runs 10 s ahead of UTC at the label's origin (leap seconds ignored).
    return m ? (parseInt(m[1]!, 16) - 10) * 1000 + (m[2] ? Math.floor(parseInt(m[2], 16) / 1e6) : 0) : NaN;
  }
  let m = SYSLOG_TIME.exec(raw);
  if (m) {
    const mo = month(m[1]!);
    if (mo < 0) return NaN;
    const now = Number.isFinite(ref) ? ref : Date.now();
    const year = new Date(now).getUTCFullYear();
    const t = utc(year, mo, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6]);
    // A December line read in January belongs to last year.
    return t > now + 86_400_000 ? utc(year - 1, mo, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6]) : t;
  }
  if ((m = CTIME.exec(raw))) {
    const mo = month(m[1]!);
    return mo < 0 ? NaN : utc(+m[7]!, mo, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6]);
  }
  return Date.parse(raw);
}
