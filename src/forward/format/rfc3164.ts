// RFC 3164 (BSD syslog): <PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG, local time, no year.
// There is no STRUCTURED-DATA, so an event's fields lead MSG in the same [bulwark ...] shape.
import type { BulwarkEvent, LogLine } from '../../events/types.js';
import type { FormatOptions, MessageFormatter } from './formatter.js';
import { escapeControl, escapeSdValue, headerField, hostnameField } from './escape.js';
import { eventApp, eventFields, eventText } from './fields.js';
import { eventSeverity, lineSeverity, pri } from './severity.js';
import { truncateUtf8 } from './utf8.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const NOT_TAG = /[^A-Za-z0-9._-]/g;

function bsdTime(ms: number): string {
  const d = new Date(Number.isNaN(ms) ? Date.now() : ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export class Rfc3164Formatter implements MessageFormatter {
  private readonly hostname: string;
  constructor(private readonly o: FormatOptions) {
    this.hostname = hostnameField(o.hostname);
  }

  event(e: BulwarkEvent): string {
    let fields = '[bulwark';
    for (const [k, v] of eventFields(e)) fields += ` ${k}="${escapeSdValue(v)}"`;
    fields += ']';
    const pid = e.type === 'lifecycle' && e.pid ? `[${e.pid}]` : '';
    const head = `<${pri(this.o.facility, eventSeverity(e))}>${bsdTime(Date.parse(e.at))} ${this.hostname} ${tag(eventApp(e))}${pid}: `;
    return truncateUtf8(`${head}${fields} ${escapeControl(eventText(e))}`, this.o.maxMessageSize);
  }

  line(l: LogLine): string {
    const head = `<${pri(this.o.facility, lineSeverity(l))}>${bsdTime(l.readAt)} ${this.hostname} ${tag(l.app)}: `;
    return truncateUtf8(head + (l.clean === true ? l.line : escapeControl(l.line)), this.o.maxMessageSize);
  }
}

/** TAG: at most 32 alphanumerics (RFC 3164 §4.1.3); we also keep `.`, `_` and `-`. */
function tag(app: string): string {
  return headerField(app.replace(NOT_TAG, '_'), 32);
}
