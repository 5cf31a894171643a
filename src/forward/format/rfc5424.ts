// RFC 5424: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [SP MSG]
// The event rides in STRUCTURED-DATA as [bulwark@32473 kind="..." ... id="..."]; MSG is the
// original line with controls escaped. Over the size limit, MSG is cut first (UTF-8 safe).
import type { BulwarkEvent, LogLine } from '../../events/types.js';
import type { FormatOptions, MessageFormatter } from './formatter.js';
import { escapeControl, escapeSdValue, headerField, hostnameField } from './escape.js';
import { eventApp, eventFields, eventText } from './fields.js';
import { eventSeverity, lineSeverity, pri } from './severity.js';
import { LineClock, rfc5424Time } from './timestamp.js';
import { surelyFits, truncateUtf8 } from './utf8.js';

/** 32473 is the example Private Enterprise Number RFC 5612 reserves for documentation. */
export const SD_ID = 'bulwark@32473';
const BOM = '\uFEFF';

export class Rfc5424Formatter implements MessageFormatter {
  private readonly hostname: string;
  private readonly clock = new LineClock();
  // Per-app / per-source renderings, computed once: the per-line path only concatenates.
  private readonly appNames = new Map<string, string>();
  private readonly sources = new Map<string, string>();
  private lastReadAt = NaN;
  private lastApp = '';
  private lastSource = '';
  private lastHead = '';
  private lastSdStart = '';

  constructor(private readonly o: FormatOptions) {
    this.hostname = hostnameField(o.hostname);
  }

  event(e: BulwarkEvent): string {
    let sd = `[${SD_ID}`;
    for (const [k, v] of eventFields(e)) sd += ` ${k}="${escapeSdValue(v)}"`;
    sd += ']';
    const procid = e.type === 'lifecycle' && e.pid ? String(e.pid) : '-';
    const head = `<${pri(this.o.facility, eventSeverity(e))}>1 ${rfc5424Time(e.at)} ${this.hostname} ` +
      `${this.app(eventApp(e))} ${procid} ${headerField(e.kind, 32)} `;
    const minimalSd = `[${SD_ID} kind="${escapeSdValue(String(e.kind))}" id="${escapeSdValue(String(e.id))}"]`;
    return this.fit(head, sd, minimalSd, escapeControl(eventText(e)));
  }

  line(l: LogLine, id: string): string {
    // Lines of one read batch share app, source and read time: their header and SD prefix are
    // rendered once and reused.
    if (l.readAt !== this.lastReadAt || l.app !== this.lastApp || l.source !== this.lastSource) {
      let source = this.sources.get(l.source);
      if (source === undefined) {
        source = escapeSdValue(l.source);
        if (this.sources.size < 1000) this.sources.set(l.source, source);
      }
      this.lastHead = `<${pri(this.o.facility, lineSeverity(l))}>1 ${this.clock.iso(l.readAt)} ${this.hostname} ${this.app(l.app)} - line `;
      this.lastSdStart = `[${SD_ID} source="${source}" id="`;
      this.lastReadAt = l.readAt;
      this.lastApp = l.app;
      this.lastSource = l.source;
    }
    const sd = `${this.lastSdStart}${id}"]`;
    return this.fit(this.lastHead, sd, sd, l.clean === true ? l.line : escapeControl(l.line));
  }

  private app(name: string): string {
    let s = this.appNames.get(name);
    if (s === undefined) {
      s = headerField(name, 48);
      if (this.appNames.size < 1000) this.appNames.set(name, s);
    }
    return s;
  }

  /** `msg` is already free of control characters. */
  private fit(head: string, sd: string, minimalSd: string, msg: string): string {
    if (this.o.bom && msg) msg = BOM + msg;
    const whole = msg ? `${head}${sd} ${msg}` : head + sd;
    const max = this.o.maxMessageSize;
    if (surelyFits(whole, max) || Buffer.byteLength(whole) <= max) return whole;
    let front = head + sd;
    if (Buffer.byteLength(front) + 1 > max) front = head + minimalSd;
    const room = max - Buffer.byteLength(front) - 1;
    return room > 0 ? `${front} ${truncateUtf8(msg, room)}` : truncateUtf8(front, max);
  }
}
