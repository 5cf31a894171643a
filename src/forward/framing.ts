// Turns a spool slice (messages, each ending in LF) into wire bytes, in one buffer per batch.
// Newline framing (RFC 6587 non-transparent) is the slice itself; the others prefix byte lengths.
// Per batch of thousands of messages: no string per message, digits are written as bytes.

/** Offsets of each message's LF in `data`. */
export function lineEnds(data: Buffer): number[] {
  const ends: number[] = [];
  for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) ends.push(i);
  return ends;
}

function digits(n: number): number {
  let d = 1;
  while (n >= 10) { n = Math.floor(n / 10); d++; }
  return d;
}

/** Writes `n` in decimal at `at`; returns the offset after it. */
function writeDecimal(out: Buffer, at: number, n: number): number {
  const end = at + digits(n);
  for (let i = end - 1; i >= at; i--) {
    out[i] = 48 + (n % 10);
    n = Math.floor(n / 10);
  }
  return end;
}

const SYSLOG_COMMAND = Buffer.from(' syslog ', 'latin1');

/**
 * Each message as `LEN SP MSG` (octet counting), or as the RELP command
 * `TXNR SP syslog SP LEN SP MSG LF` when `txnrs` gives its transaction numbers.
 */
function lengthPrefixed(data: Buffer, ends: number[], txnrs: number[] | null): Buffer {
  let size = 0;
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const len = ends[i]! - start;
    size += digits(len) + 1 + len;
    if (txnrs) size += digits(txnrs[i]!) + SYSLOG_COMMAND.length + 1;
    start = ends[i]! + 1;
  }
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  start = 0;
  for (let i = 0; i < ends.length; i++) {
    if (txnrs) {
      o = writeDecimal(out, o, txnrs[i]!);
      o += SYSLOG_COMMAND.copy(out, o);
    }
    o = writeDecimal(out, o, ends[i]! - start);
    out[o++] = 32;
    o += data.copy(out, o, start, ends[i]!);
    if (txnrs) out[o++] = 10;
    start = ends[i]! + 1;
  }
  return out;
}

/** RFC 6587 octet counting: `MSG-LEN SP SYSLOG-MSG`, no trailer. */
export function octetCounted(data: Buffer, ends: number[]): Buffer {
  return lengthPrefixed(data, ends, null);
}

/** RELP `syslog` commands: `TXNR SP syslog SP DATALEN SP DATA LF`, txnr given per message. */
export function relpSyslogFrames(data: Buffer, ends: number[], txnrs: number[]): Buffer {
  return lengthPrefixed(data, ends, txnrs);
}
