// A syslog message (from a syslog line or a journald entry) -> the reader of the program that wrote it.
import type { ParsedLine } from './parsed.js';
import type { SyslogHeader } from './syslog.js';
import { parseSshdMessage } from './sshd.js';
import { daemonOf, parseDaemonMessage } from './daemons.js';
import { looksLikeApacheError, parseApacheError, parseNginxError } from './error-log.js';
import { SUHOSIN_PROGRAMS, suhosinAttacker } from './suhosin.js';

/** Programs whose messages bulwark reads itself: generic "login failed" wording does not apply to them. */
export const KNOWN_PROGRAMS: ReadonlySet<string> = new Set(['sshd', 'proftpd', 'vsftpd', 'pure-ftpd', 'dovecot',
  'postfix', 'drupal', 'pam', 'nginx', 'apache']);

// nginx's own timestamp inside a journal message, possibly behind a repeated `host nginx: ` prefix.
const NESTED_NGINX = /^(?:\S+ nginx: )?(?=\d{4}\/\d{2}\/\d{2} )/;

/** Fills `out` from a syslog header and its message (format `sshd` or `syslog`, unless a nested log says more). */
export function readSyslogMessage(h: SyslogHeader, out: ParsedLine): void {
  if (h.time !== null) out.timeRaw = h.time;
  out.host = h.host;
  out.program = h.program;
  out.pid = h.pid;
  out.message = h.message;
  const program = h.program;
  if ((program === 'sshd' || program === 'sshd-session') && h.args === null) {
    out.format = 'sshd';
    out.program = 'sshd';
    parseSshdMessage(h.message, out);
    return;
  }
  out.format = 'syslog';
  if (program === 'nginx') {
    const m = NESTED_NGINX.exec(h.message);
    if (m && parseNginxError(h.message.slice(m[0].length), out)) return;
  }
  if ((program === 'httpd' || program.startsWith('httpd/') || program === 'apache2' || program === 'apache')
    && h.message.charCodeAt(0) === 91 && parseApacheError(h.message, out, looksLikeApacheError(h.message))) return;
  if (SUHOSIN_PROGRAMS.has(program) || program.startsWith('php')) {
    const ip = suhosinAttacker(h.message);
    if (ip !== null) {
      out.ip = ip;
      return;
    }
  }
  const daemon = daemonOf(h);
  if (daemon !== null) parseDaemonMessage(daemon, h, out);
}

/** `journalctl -o json` entry: false when the object is not one. */
export function readJournalEntry(o: Record<string, unknown>, out: ParsedLine): boolean {
  const ident = typeof o.SYSLOG_IDENTIFIER === 'string' ? o.SYSLOG_IDENTIFIER : o._COMM;
  if (typeof ident !== 'string' || typeof o.MESSAGE !== 'string') return false;
  const pid = typeof o.SYSLOG_PID === 'string' ? o.SYSLOG_PID : typeof o._PID === 'string' ? o._PID : null;
  const tag = /^([\w.\/-]{1,64})(?:\(([^()\s]{0,200})\))?$/.exec(ident);
  readSyslogMessage({
    time: null, host: typeof o._HOSTNAME === 'string' ? o._HOSTNAME : null, program: tag ? tag[1]! : ident,
    pid, args: tag?.[2] ?? null, message: o.MESSAGE,
  }, out);
  if (out.format === 'sshd' || out.format === 'syslog') out.format = 'journal';
  // Microseconds since the epoch, as a string; the syslog timestamp field is the sender's own.
  const t = o.__REALTIME_TIMESTAMP ?? o._SOURCE_REALTIME_TIMESTAMP;
  if (out.timeRaw === null && typeof t === 'string') out.timeRaw = t;
  return true;
}
