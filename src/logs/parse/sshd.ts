// OpenSSH lines from syslog/auth.log: `sshd[pid]:` and, since OpenSSH 9.8, `sshd-session[pid]:`.
import { AuthOutcome, type ParsedLine } from './parsed.js';
import { normaliseIp } from './ip.js';

// "Oct 10 13:55:36 host sshd[123]: msg" or "2024-10-10T13:55:36.123+00:00 host sshd-session[123]: msg"
const HEADER = /^(?:<\d{1,3}>)?([A-Za-z]{3} +\d{1,2} \d{2}:\d{2}:\d{2}|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?) \S+ sshd(?:-session)?\[\d+\]: /;
// One attempt = one of these lines (pam_unix and "Invalid user" lines of the same attempt are not counted again).
const FAILED = /^Failed (?:password|publickey|keyboard-interactive\/pam|none|hostbased) for (?:invalid user )?(\S*) from (\S+) port \d+/;
const ACCEPTED = /^Accepted (?:password|publickey|keyboard-interactive\/pam|hostbased|gssapi-with-mic) for (\S+) from (\S+) port \d+/;

export function parseSshd(line: string, out: ParsedLine): boolean {
  const h = HEADER.exec(line);
  if (!h) return false;
  out.format = 'sshd';
  out.timeRaw = h[1]!;
  const msg = line.slice(h[0].length);
  out.message = msg;
  let m = FAILED.exec(msg);
  if (m) {
    out.auth = AuthOutcome.Failure;
  } else if ((m = ACCEPTED.exec(msg))) {
    out.auth = AuthOutcome.Success;
  }
  if (m) {
    out.user = m[1] || null;
    out.ip = normaliseIp(m[2]!);
  }
  return true;
}
