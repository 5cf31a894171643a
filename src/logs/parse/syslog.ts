// The header of a syslog-shaped line: `[<PRI>] [TIME] [HOST] TAG: MESSAGE`, as rsyslog, syslog-ng,
// `journalctl -o short|short-iso|short-precise`, RFC 5424 senders and daemons' own log files write it.
//
// TIME: BSD `Oct 10 13:55:36`, ISO/RFC 3339 (`2024-10-10T13:55:36.123+00:00`, journald's `+0000`,
// `2013-11-16 21:59:30,121`), TAI64N `@4000...`, or none (then TAG must carry a `[pid]`).
// HOST is optional: a first token shaped like a tag (`sshd[12]:`, `pop3-login:`, `[sshd]`) is the tag.
// TAG: `name`, `name[pid]`, `name(args)[pid]`, `[name]`, with or without the colon (proftpd writes none).

export interface SyslogHeader {
  time: string | null;
  host: string | null;
  /** The tag's name: `sshd`, `postfix/smtpd`, `auth-worker` (lower-case as written). */
  program: string;
  pid: string | null;
  /** What the tag held in parentheses: `pam_unix` in `sshd(pam_unix)[12]`, dovecot's `auth(user,ip,...)`. */
  args: string | null;
  message: string;
}

const PRI = /^<(\d{1,3})>/;
// Sticky time forms, each followed by at least one space.
const BSD_TIME = /[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})? +/y;
const ISO_TIME = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})? +/y;
const TAI_TIME = /@4000[0-9a-fA-F]{20} +/y;
// vsftpd's own log: `Fri Jan 19 12:20:33 2007 [pid 27202] [user] FAIL LOGIN: ...`
const VSFTPD_LOG = /([A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4}) +\[pid (\d{1,10})\] /y;
const TIMES = [BSD_TIME, ISO_TIME, TAI_TIME];
// RFC 5424 after PRI: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP
const RFC5424 = /1 (\S+) (\S+) (\S+) (\S+) (\S+) /y;

/** Reads the header; null when the line is not syslog-shaped. */
export function parseSyslogHeader(line: string): SyslogHeader | null {
  let i = 0;
  const pri = PRI.exec(line);
  if (pri) {
    i = pri[0].length;
    RFC5424.lastIndex = i;
    const r = RFC5424.exec(line);
    if (r) return rfc5424(line, RFC5424.lastIndex, r);
  }
  VSFTPD_LOG.lastIndex = i;
  const vsftpd = VSFTPD_LOG.exec(line);
  if (vsftpd) return { time: vsftpd[1]!, host: null, program: 'vsftpd', pid: vsftpd[2]!, args: null, message: line.slice(VSFTPD_LOG.lastIndex) };
  let time: string | null = null;
  for (const re of TIMES) {
    re.lastIndex = i;
    const m = re.exec(line);
    if (m) {
      time = m[0].trimEnd();
      i = re.lastIndex;
      break;
    }
  }
  while (line.charCodeAt(i) === 32) i++;
  // First token: the tag itself (no host), or the host.
  let tag = readTag(line, i);
  let host: string | null = null;
  if (tag === null || (!tag.colon && tag.pid === null && tag.bracketed === false)) {
    const sp = line.indexOf(' ', i);
    if (sp <= i) return null;
    host = line.slice(i, sp);
    if (host.length > 255) return null;
    i = sp + 1;
    while (line.charCodeAt(i) === 32) i++;
    tag = readTag(line, i);
    if (tag === null || (!tag.colon && tag.pid === null && !tag.bracketed)) return null;
  }
  // Without a time, only `host name[pid]: msg` is taken for syslog (the shape journald and fail2ban's journal tests print).
  if (time === null && (host === null || tag.pid === null || !tag.colon)) return null;
  return { time, host, program: tag.name, pid: tag.pid, args: tag.args, message: line.slice(tag.end) };
}

interface Tag { name: string; pid: string | null; args: string | null; colon: boolean; bracketed: boolean; end: number }

/** Name char: A-Z a-z 0-9 _ . / - */
function nameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 47 || c === 45;
}

/**
 * `name[(args)][[pid]][<session>][:]` or `[name][:]` at `i`, followed by spaces or the end; null otherwise.
 * Hand-written (this runs on every syslog line): each part is bounded, so it is linear.
 */
function readTag(line: string, i: number): Tag | null {
  const n = line.length;
  let j = i;
  let name: string;
  let args: string | null = null;
  let pid: string | null = null;
  let bracketed = false;
  if (line.charCodeAt(j) === 91 /* [ */) {
    j++;
    while (j < n && j - i <= 64 && nameChar(line.charCodeAt(j))) j++;
    if (j === i + 1 || line.charCodeAt(j) !== 93) return null;
    name = line.slice(i + 1, j);
    j++;
    bracketed = true;
  } else {
    const c0 = line.charCodeAt(j);
    if (!((c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90) || c0 === 95)) return null;
    while (j < n && j - i < 64 && nameChar(line.charCodeAt(j))) j++;
    name = line.slice(i, j);
    if (line.charCodeAt(j) === 40 /* ( */) {
      const a = j + 1;
      let k = a;
      while (k < n && k - a <= 200) {
        const c = line.charCodeAt(k);
        if (c === 41 || c === 40 || c === 32 || c === 9) break;
        k++;
      }
      if (line.charCodeAt(k) !== 41) return null;
      args = line.slice(a, k);
      j = k + 1;
    }
    if (line.charCodeAt(j) === 91 /* [ */) {
      const a = j + 1;
      let k = a;
      while (k < n && k - a < 10 && line.charCodeAt(k) >= 48 && line.charCodeAt(k) <= 57) k++;
      if (k === a || line.charCodeAt(k) !== 93) return null;
      pid = line.slice(a, k);
      j = k + 1;
    }
    if (line.charCodeAt(j) === 60 /* < */) {
      const a = j + 1;
      let k = a;
      while (k < n && k - a <= 64 && line.charCodeAt(k) !== 62 && line.charCodeAt(k) !== 32) k++;
      if (line.charCodeAt(k) !== 62) return null;
      j = k + 1;
    }
  }
  const colon = line.charCodeAt(j) === 58;
  if (colon) j++;
  if (j < n && line.charCodeAt(j) !== 32) return null;
  while (line.charCodeAt(j) === 32) j++;
  return { name, pid, args, colon, bracketed, end: j };
}

function rfc5424(line: string, i: number, r: RegExpExecArray): SyslogHeader {
  // STRUCTURED-DATA: `-` or `[id k="v" ...]...`; values may hold escaped `\]` and `\"`.
  if (line.charCodeAt(i) === 45 /* - */) i += 1;
  else {
    while (line.charCodeAt(i) === 91 /* [ */) {
      let inQuote = false;
      for (i++; i < line.length; i++) {
        const c = line.charCodeAt(i);
        if (c === 92 /* \ */) i++;
        else if (c === 34) inQuote = !inQuote;
        else if (c === 93 && !inQuote) { i++; break; }
      }
    }
  }
  if (line.charCodeAt(i) === 32) i++;
  let message = line.slice(i);
  if (message.charCodeAt(0) === 0xfeff) message = message.slice(1);
  const nil = (s: string) => (s === '-' ? null : s);
  return { time: nil(r[1]!), host: nil(r[2]!), program: r[3] === '-' ? '' : r[3]!, pid: nil(r[4]!), args: null, message };
}
