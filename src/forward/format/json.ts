// One JSON object per message (NDJSON, for Logstash's tcp input + json_lines codec).
// JSON.stringify escapes every control character, so no message can contain a raw LF.
import type { BulwarkEvent, LogLine } from '../../events/types.js';
import type { FormatOptions, MessageFormatter } from './formatter.js';
import { eventText } from './fields.js';
import { surelyFits, truncateUtf8 } from './utf8.js';

export class JsonFormatter implements MessageFormatter {
  constructor(private readonly o: FormatOptions) {}

  event(e: BulwarkEvent): string {
    const key = e.type === 'security' ? 'line' : e.type === 'lifecycle' ? 'reason' : 'message';
    return this.fit((text) => JSON.stringify({ '@timestamp': e.at, host: this.o.hostname, ...e, [key]: text }), eventText(e));
  }

  line(l: LogLine, id: string): string {
    const at = new Date(l.readAt).toISOString();
    return this.fit((text) => JSON.stringify({ '@timestamp': at, host: this.o.hostname, type: 'line', id, app: l.app, source: l.source, message: text }), l.line);
  }

  /** Renders with `text`, cutting only the text (the one unbounded field) until it fits. */
  private fit(render: (text: string) => string, text: string): string {
    const max = this.o.maxMessageSize;
    let out = render(text);
    for (let i = 0; i < 4 && !surelyFits(out, max); i++) {
      const excess = Buffer.byteLength(out) - max;
      if (excess <= 0) return out;
      text = truncateUtf8(text, Buffer.byteLength(text) - excess);
      out = render(text);
    }
    // Escapes can still expand the text; at worst 6 bytes per byte (\u0000).
    return Buffer.byteLength(out) <= max ? out : render(truncateUtf8(text, Math.floor(Buffer.byteLength(text) / 6)));
  }
}
