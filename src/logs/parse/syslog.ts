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
// name, optional (args) (no spaces inside unless dovecot's <session> follows), optional [pid], optional <...>, optional colon.
const TAG = /(?:\[([\w.\/-]{1,64})\]|([A-Za-z_][\w.\/-]{0,63})(?:\(([^()\s]{0,200})\))?(?:\[(\d{1,10})\])?(?:<[^>\s]{0,64}>)?)(:?)(?: +|$)/y;
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
  for (const re of [BSD_TIME, ISO_TIME, TAI_TIME]) {
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

function readTag(line: string, i: number): Tag | null {
  TAG.lastIndex = i;
  const m = TAG.exec(line);
  if (!m) return null;
  const bracketed = m[1] !== undefined;
  return { name: bracketed ? m[1]! : m[2]!, pid: m[4] ?? null, args: m[3] ?? null, colon: m[5] === ':', bracketed, end: TAG.lastIndex };
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
