// format -> parser. `auto` decides per line from the first bytes, cheapest test first.
import { emptyParsed, type FormatOption, type ParsedLine } from './parsed.js';
import { parseJson } from './json.js';
import { parseClf } from './clf.js';
import { parseSshd } from './sshd.js';
import { parseText } from './text.js';

export type { FormatOption, LineFormat, ParsedLine } from './parsed.js';
export { AuthOutcome } from './parsed.js';

function looksLikeSshd(line: string): boolean {
  return line.indexOf('sshd[') > 0 || line.indexOf('sshd-session[') > 0;
}

/** Parses one (sanitised) line. A line that does not fit the forced format falls back to text. */
export function parseLine(line: string, format: FormatOption): ParsedLine {
  const out = emptyParsed('text');
  switch (format) {
    case 'json':
      if (parseJson(line, out)) return out;
      break;
    case 'clf':
      if (parseClf(line, out)) return out;
      break;
    case 'sshd':
      if (parseSshd(line, out)) return out;
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
      if (line.indexOf('] "') > 0 && parseClf(line, out)) return out;
      if (looksLikeSshd(line) && parseSshd(line, out)) return out;
    }
  }
  parseText(line, out);
  return out;
}
