// Suhosin (PHP hardening) alerts, through syslog (`suhosin[pid]:`), lighttpd's FastCGI stderr or
// PHP-FPM: `ALERT - <what> (attacker '<addr>', file '<script>'[, line N])`. What comes before the
// address can hold request text (a variable's name), so the address is taken from the closing field
// Suhosin writes last, anchored at the end of the message, never from the first `(attacker '` seen.
import { normaliseIp } from './ip.js';

/** A message that is a Suhosin alert (after lighttpd's `(mod_fastcgi.c.N) FastCGI-stderr: ` prefix, if any). */
export const SUHOSIN_ALERT = /^(?:\(mod_fastcgi\.c\.\d{1,6}\) FastCGI-stderr:\s)?ALERT - /;
/** Programs whose messages may be Suhosin's. */
export const SUHOSIN_PROGRAMS: ReadonlySet<string> = new Set(['suhosin', 'lighttpd', 'php', 'php-fpm', 'php-cgi']);
const ATTACKER_FIELD = /^ \(attacker '([^'\s]{2,64})', file '[^']*'(?:, line \d{1,9})?\)$/;

/** The attacker's address a Suhosin alert names, normalised; null when the message is no alert or names none. */
export function suhosinAttacker(message: string): string | null {
  if (!SUHOSIN_ALERT.test(message)) return null;
  const at = message.lastIndexOf(" (attacker '");
  if (at < 0) return null;
  const m = ATTACKER_FIELD.exec(message.slice(at));
  return m ? normaliseIp(m[1]!) : null;
}
