// A Link is one open connection to an endpoint. The endpoint pumps spool batches into it; the
// link says when (up to which spool mark) they count as delivered, and when it went down.
import type { ForwardError } from '../errors.js';
import type { Mark } from '../spool/spool.js';

export interface Batch {
  /** Whole messages, each ending in LF, as stored in the spool. */
  data: Buffer;
  /** LF offsets in `data`, one per message. */
  ends: number[];
  /** Spool mark of the first message of the batch. */
  from: Mark;
  /** Spool mark after the last message of the batch. */
  to: Mark;
}

export interface LinkEvents {
  /** Everything up to `to` is delivered and may leave the spool. */
  delivered(to: Mark): void;
  /**
   * Everything up to `to` is in the kernel's socket buffers of a live stream connection: not yet
   * known to be read, but the kernel delivers it even if this process dies now (see spool/cursor.ts).
   */
  handed?(to: Mark): void;
  /** The link can take more (after write returned false). */
  drain(): void;
  /** The link is gone; undelivered batches must be sent again on a new one. */
  down(err: ForwardError): void;
  /** A problem that does not end the link (UDP send errors: best effort by nature). */
  warn(err: ForwardError): void;
}

export interface Link {
  readonly events: LinkEvents;
  /** One socket write for the batch; false = wait for drain before the next. */
  write(batch: Batch): boolean;
  /** Ends gracefully, confirming what it can within `timeoutMs`; resolves when the socket is closed. */
  close(timeoutMs: number): Promise<void>;
}
