// The daemon's end of an app's IPC channel outside cluster mode: heartbeats, readiness and the
// shutdown message. Node's own channel (stdio 'ipc') runs every message through a generator, a
// StringDecoder, JSON.parse and a nextTick before 'message', and holds ~18 KB per child; with a
// thousand apps beating every second that was most of the daemon's CPU and a third of its memory
// (bench/scale.ts). So the daemon makes the same socketpair at the same fd and tells a Node app
// where it is the way Node does (NODE_CHANNEL_FD, json serialization: one JSON document per line),
// so the app's process.send() works unchanged, and reads it as plain bytes: the one line splitter
// cuts them, and a heartbeat is known by its bytes without parsing. Cluster mode keeps Node's
// channel: its protocol passes server handles (SCM_RIGHTS), which a plain read cannot take.
// Every channel reads into one shared buffer (net.Socket's `onread` mode, turned on after the
// fact): no Buffer and no stream machinery per read, so a beat costs its wake-up and nothing for
// the garbage collector. A beat counts when it arrives. Measured with 1,000 bash apps beating
// every second (a bare Node reader): 24.5 µs of CPU per beat and ~30 KB/s of garbage, against
// 39.4 µs through 'data' events and, for one non-blocking read per app every 312 ms (the reads
// that find nothing throw EAGAIN), 30.4 µs and ~1 MB/s, which kept V8's memory reducer from
// returning the start's garbage.
import type { Socket } from 'node:net';
import { LineSplitter, lineText } from '../common/line-splitter.js';

/** What an app says on its channel that the daemon acts on. */
export interface AppMessages {
  heartbeat(): void;
  ready(): void;
}

/** JSON.stringify({ bulwark: 'heartbeat' }): what process.send writes for a beat, and the docs' line. */
const HEARTBEAT = Buffer.from('{"bulwark":"heartbeat"}');
/** Node's answer to a handle sent to it; without one the sender queues every later message forever. */
const HANDLE_ACK = `${JSON.stringify({ cmd: 'NODE_HANDLE_ACK' })}\n`;

/** What onread mode needs of net.Socket's libuv handle (StreamBase, stable since Node 12, but not typed). */
interface StreamHandle {
  useUserBuffer(buf: Uint8Array): void;
}

/** One read buffer for every channel: each read is handled before the next, and the splitter copies what it holds. */
const readBuffer = Buffer.allocUnsafe(64 * 1024);

/** The environment that makes a Node app's process.send() write to this channel at `fd`. */
export function channelEnv(fd: number): Record<string, string> {
  return { NODE_CHANNEL_FD: String(fd), NODE_CHANNEL_SERIALIZATION_MODE: 'json' };
}

export class AppChannel {
  private readonly lines = new LineSplitter();
  private readonly sink = (buf: Buffer, start: number, end: number, cut: boolean): void => this.line(buf, start, end, cut);

  constructor(private readonly socket: Socket, private readonly on: AppMessages) {
    const early = socket.read() as Buffer | null; // what came before this (normally nothing)
    if (early !== null) this.lines.push(early, early.length, this.sink);
    if (!readIntoSharedBuffer(socket, (n) => this.lines.push(readBuffer, n, this.sink))) {
      socket.on('data', (chunk: Buffer) => this.lines.push(chunk, chunk.length, this.sink));
    }
    // EPIPE/ECONNRESET when the app exits or closes its end: the exit tells the rest.
    socket.on('error', () => undefined);
    socket.resume(); // flowing, as a 'data' listener would make it: its end is not left waiting for a reader
  }

  /** Whether a message can still reach the app. */
  get connected(): boolean {
    return this.socket.writable && !this.socket.destroyed;
  }

  /** Ends the channel (the app exited). */
  close(): void {
    this.socket.destroy();
  }

  /** Sends one message the way Node's channel frames it; false when the channel is closed. */
  send(message: unknown): boolean {
    if (!this.connected) return false;
    this.socket.write(`${JSON.stringify(message)}\n`);
    return true;
  }

  private line(buf: Buffer, start: number, end: number, cut: boolean): void {
    if (cut) return; // longer than any message the daemon acts on
    if (isHeartbeat(buf, start, end)) {
      this.on.heartbeat();
      return;
    }
    let m: unknown;
    try {
      m = JSON.parse(lineText(buf, start, end, false));
    } catch {
      return; // not JSON: not a message for the daemon
    }
    if (actOnMessage(m, this.on)) return;
    // A handle sent to the daemon was dropped by the plain read (the kernel closes it); acknowledged
    // all the same, or the app's later messages, its heartbeats too, would wait for the answer.
    if (typeof m === 'object' && m !== null && (m as { cmd?: unknown }).cmd === 'NODE_HANDLE' && this.connected) this.socket.write(HANDLE_ACK);
  }
}

/** A parsed message from an app, on this channel or Node's own (cluster mode); false: not one the daemon acts on. */
export function actOnMessage(m: unknown, on: AppMessages): boolean {
  const bulwark = typeof m === 'object' && m !== null ? (m as { bulwark?: unknown }).bulwark : undefined;
  if (bulwark === 'heartbeat') on.heartbeat();
  else if (m === 'ready' || bulwark === 'ready') on.ready();
  else return false;
  return true;
}

/**
 * Puts a socket that is already reading into onread mode with the shared buffer: what
 * `new net.Socket({ onread })` does at construction (net.js), done after the fact because
 * child_process makes the socket. False: this Node does not look like that, and 'data' serves.
 */
function readIntoSharedBuffer(socket: Socket, read: (n: number) => void): boolean {
  const handle = (socket as unknown as { _handle?: Partial<StreamHandle> | null })._handle;
  const symbols = Object.getOwnPropertySymbols(socket);
  const buffer = symbols.find((s) => s.description === 'kBuffer');
  const callback = symbols.find((s) => s.description === 'kBufferCb');
  if (handle == null || typeof handle.useUserBuffer !== 'function' || buffer === undefined || callback === undefined) return false;
  const fields = socket as unknown as Record<symbol, unknown>;
  if (fields[buffer] !== null || fields[callback] !== null) return false;
  handle.useUserBuffer(readBuffer);
  fields[buffer] = readBuffer;
  fields[callback] = read;
  return true;
}

/** The bytes of a beat, compared in place (Buffer#compare validates five arguments per call). */
function isHeartbeat(buf: Buffer, start: number, end: number): boolean {
  if (end - start !== HEARTBEAT.length) return false;
  for (let i = 0; i < HEARTBEAT.length; i++) if (buf[start + i] !== HEARTBEAT[i]) return false;
  return true;
}
