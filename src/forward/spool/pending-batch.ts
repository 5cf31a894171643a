// The messages appended to a spool since its last write, UTF-8 encoded as they come into one
// buffer (no string concatenation to flatten later), so the write is one writeSync of it.
// Bounded: while the disk refuses writes the batch stays here, and past `maxBytes` new messages
// are refused (the disk gives no room, memory must not grow without end).

/** The buffer starts this big, doubles as needed, and goes back to this after a big flush. */
const INITIAL_BYTES = 64 * 1024;
const KEEP_MAX_BYTES = 4 * 1024 * 1024;

export class PendingBatch {
  buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  bytes = 0;
  count = 0;

  constructor(private readonly maxBytes: number) {}

  /** Adds one message (no LF inside) and its LF; false, and nothing added, if memory is full. */
  add(message: string): boolean {
    const room = message.length * 3 + 1; // a UTF-16 unit is at most 3 UTF-8 bytes
    if (this.bytes + room > this.buffer.length) {
      if (this.bytes > 0 && this.bytes + room > this.maxBytes) return false;
      this.grow(this.bytes + room);
    }
    this.bytes += this.buffer.write(message, this.bytes, 'utf8');
    this.buffer[this.bytes++] = 10;
    this.count++;
    return true;
  }

  /** The batch was written: start an empty one. */
  clear(): void {
    this.bytes = 0;
    this.count = 0;
    if (this.buffer.length > KEEP_MAX_BYTES) this.buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  }

  private grow(atLeast: number): void {
    let size = this.buffer.length * 2;
    while (size < atLeast) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buffer.copy(bigger, 0, 0, this.bytes);
    this.buffer = bigger;
  }
}
