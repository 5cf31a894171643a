// Picks the formatter an endpoint's `format` names.
import type { Format } from '../settings.js';
import type { FormatOptions, MessageFormatter } from './formatter.js';
import { JsonFormatter } from './json.js';
import { Rfc3164Formatter } from './rfc3164.js';
import { Rfc5424Formatter } from './rfc5424.js';

export type { MessageFormatter, FormatOptions } from './formatter.js';

export function createFormatter(format: Format, o: FormatOptions): MessageFormatter {
  switch (format) {
    case 'rfc5424': return new Rfc5424Formatter(o);
    case 'rfc3164': return new Rfc3164Formatter(o);
    case 'json': return new JsonFormatter(o);
  }
}
