// A MessageFormatter turns events and raw lines into one wire message each (framing comes later).
// Invariant every format keeps: a message never contains LF, so the spool can store one per line.
import type { BulwarkEvent, LogLine } from '../../events/types.js';

export interface MessageFormatter {
  event(e: BulwarkEvent): string;
  /** A raw log line (select: all); `id` is the same for this line on every endpoint. */
  line(l: LogLine, id: string): string;
}

export interface FormatOptions {
  facility: number;
  hostname: string;
  maxMessageSize: number;
  bom: boolean;
}
