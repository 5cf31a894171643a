// format -> parser. `auto` decides per line from the first bytes, cheapest test first.
import { emptyParsed, type FormatOption, type ParsedLine } from './parsed.js';
import { parseJson } from './json.js';
import { parseClf, parseMorganShort } from './clf.js';
import { parseSyslogHeader } from './syslog.js';
import { readSyslogMessage } from './message.js';
import { looksLikeApacheError, looksLikeNginxError, parseApacheError, parseNginxError } from './error-log.js';
import { parseText } from './text.js';

export type { FormatOption, LineFormat, ParsedLine } from './parsed.js';
export { AuthOutcome, SshdKind } from './parsed.js';
export { KNOWN_PROGRAMS } from './message.js';

// The prefix the supervisor writes before captured lines with `logs.timestamps: true` (PM2's `time`).
const CAPTURE_STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})?): /;

function parseSyslog(line: string, out: ParsedLine): boolean {
  const h = parseSyslogHeader(line);
  if (h === null) return false;
  readSyslogMessage(h, out);
  return true;
}

/** Parses one (sanitised) line. A line that does not fit the forced format falls back to text. */
export function parseLine(line: string, format: FormatOption): ParsedLine {
  const out = emptyParsed('text');
  switch (format) {
    case 'json':
    case 'journal':
      if (parseJson(line, out)) return out;
      break;
    case 'clf':
    case 'vhost':
      if (parseClf(line, out)) return out;
      break;
    case 'morgan':
      if (parseClf(line, out) || parseMorganShort(line, out)) return out;
      break;
    case 'sshd':
    case 'syslog':
      if (parseSyslog(line, out)) return out;
      break;
    case 'nginx-error':
      if (parseNginxError(line, out) || parseSyslog(line, out)) return out;
      break;
    case 'apache-error':
      if (parseApacheError(line, out) || parseSyslog(line, out)) return out;
      break;
    case 'text':
      break;
    default: {
      let i = 0;
      while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
      const c = line.charCodeAt(i);
      if (c === 123 /* { */) {
        if (parseJson(line, out)) return out;
        break;
      }
      if (c === 91 /* [ */) {
        if (looksLikeApacheError(line) && parseApacheError(line, out)) return out;
        break;
      }
      if (line.indexOf('] "') > 0 && parseClf(line, out)) return out;
      if (c >= 48 && c <= 57 && line.charCodeAt(i + 10) === 84 /* T */) {
        // A stamped captured line: read what the app wrote; the stamp is its time when the line has none.
        const m = CAPTURE_STAMP.exec(line);
        if (m) {
          const inner = parseLine(line.slice(m[0].length), 'auto');
          if (inner.format !== 'text') {
            inner.timeRaw ??= m[1]!;
            return inner;
          }
        }
      }
      if (c >= 48 && c <= 57 && looksLikeNginxError(line) && parseNginxError(line, out)) return out;
      if ((c === 27 || (c >= 65 && c <= 90)) && line.indexOf(' ms') > 0 && parseMorganShort(line, out)) return out;
      // Syslog shapes start with a time, `<PRI>` or `@` (TAI64N); journald's `host name[pid]: ` has a `]: `.
      if (((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 60 || c === 64 || line.indexOf(']: ') > 0) && parseSyslog(line, out)) return out;
    }
  }
  parseText(line, out);
  return out;
}
