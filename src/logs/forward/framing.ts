// Turns a spool slice (messages, each ending in LF) into wire bytes, in one buffer per batch.
// Newline framing (RFC 6587 non-transparent) is the slice itself; the others prefix byte lengths.

/** Offsets of each message's LF in `data`. */
export function lineEnds(data: Buffer): number[] {
  const ends: number[] = [];
  for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) ends.push(i);
  return ends;
}

/** Frames each message as `prefix(len)` + message + `suffix`, where len is its length in bytes. */
function prefixed(data: Buffer, ends: number[], prefix: (len: number, i: number) => string, suffix: string): Buffer {
  const heads: string[] = new Array(ends.length);
  let size = 0;
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const len = ends[i]! - start;
    heads[i] = prefix(len, i);
    size += heads[i]!.length + len + suffix.length;
    start = ends[i]! + 1;
  }
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  start = 0;
  for (let i = 0; i < ends.length; i++) {
    o += out.write(heads[i]!, o, 'latin1');
    o += data.copy(out, o, start, ends[i]!);
    if (suffix) o += out.write(suffix, o, 'latin1');
    start = ends[i]! + 1;
  }
  return out;
}

/** RFC 6587 octet counting: `MSG-LEN SP SYSLOG-MSG`, no trailer. */
export function octetCounted(data: Buffer, ends: number[]): Buffer {
  return prefixed(data, ends, (len) => `${len} `, '');
}

/** RELP `syslog` commands: `TXNR SP syslog SP DATALEN SP DATA LF`, txnr given per message. */
export function relpSyslogFrames(data: Buffer, ends: number[], txnrs: number[]): Buffer {
  return prefixed(data, ends, (len, i) => `${txnrs[i]} syslog ${len} `, '\n');
}
