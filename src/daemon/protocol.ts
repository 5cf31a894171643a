// The control protocol: newline-delimited JSON over the unix socket in $BULWARK_HOME.
// A request gets exactly one response, except streams (events -f), which send `data` messages
// until the client disconnects.
export const PROTOCOL_VERSION = 1;

export interface ControlRequest {
  v: number;
  id: number;
  cmd: string;
  args?: Record<string, unknown>;
}

export type ControlResponse =
  | { id: number; ok: true; result?: unknown }
  | { id: number; ok: false; error: { code: string; message: string } }
  | { id: number; data: unknown };

/** An error the daemon reports to the client by code (EUNKNOWN_APP, ECONFIG, EBADREQ, ...). */
export class ControlError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/**
 * Newline-delimited frames out of a byte stream, in linear time (each byte is searched once),
 * with a bound on a frame's length: beyond it, push() returns null and the stream is unusable.
 */
export class FrameReader {
  private parts: Buffer[] = [];
  private partBytes = 0;

  constructor(private readonly maxBytes = Infinity) {}

  /** The complete frames this chunk finished (empty lines skipped), or null when a frame is too long. */
  push(chunk: Buffer): string[] | null {
    const frames: string[] = [];
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf(10, start)) >= 0) {
      const piece = chunk.subarray(start, nl);
      if (this.partBytes + piece.length > this.maxBytes) return null;
      const text = this.partBytes === 0 ? piece.toString('utf8') : Buffer.concat([...this.parts, piece]).toString('utf8');
      this.parts = [];
      this.partBytes = 0;
      if (text.trim() !== '') frames.push(text);
      start = nl + 1;
    }
    if (start < chunk.length) {
      this.parts.push(chunk.subarray(start));
      this.partBytes += chunk.length - start;
      if (this.partBytes > this.maxBytes) return null;
    }
    return frames;
  }
}
