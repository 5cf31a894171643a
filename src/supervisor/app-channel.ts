// The daemon's end of an app's IPC channel outside cluster mode: heartbeats, readiness and the
// shutdown message. Node's own channel (stdio 'ipc') runs every message through a generator, a
// StringDecoder, JSON.parse and a nextTick before 'message', and holds ~18 KB per child; with a
// thousand apps beating every second that was most of the daemon's CPU and a third of its memory
// (bench/scale.ts). So the daemon makes the same socketpair at the same fd and tells a Node app
// where it is the way Node does (NODE_CHANNEL_FD, json serialization: one JSON document per line),
// so the app's process.send() works unchanged, and reads it as a plain stream: the one line
// splitter cuts it, and a heartbeat is known by its bytes without parsing. Cluster mode keeps
// Node's channel: its protocol passes server handles (SCM_RIGHTS), which a plain read cannot take.
// Once nothing on the channel is urgent (readOnDemand), it is not read on every write either: a
// wake-up of the event loop per beat was ~55 µs of CPU (7 % of a core for a thousand apps beating
// every second); the heartbeat deadline drains it synchronously before each look instead.
import { readSync } from 'node:fs';
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

/** What readOnDemand touches of net.Socket's libuv handle (stable since Node 0.x, but not typed). */
interface PipeHandle {
  fd: number;
  /** net.Socket#_read starts a read unless this says one is under way. */
  reading: boolean;
  readStop(): number;
}

/** One read buffer for every channel: a drain is synchronous, and the splitter copies what it holds. */
const drainBuffer = Buffer.allocUnsafe(64 * 1024);

/** The environment that makes a Node app's process.send() write to this channel at `fd`. */
export function channelEnv(fd: number): Record<string, string> {
  return { NODE_CHANNEL_FD: String(fd), NODE_CHANNEL_SERIALIZATION_MODE: 'json' };
}

export class AppChannel {
  private readonly lines = new LineSplitter();
  private readonly sink = (buf: Buffer, start: number, end: number, cut: boolean): void => this.line(buf, start, end, cut);
  /** The socket's fd while it is read on demand (drain); -1 otherwise or once it closed. */
  private fd = -1;

  constructor(private readonly socket: Socket, private readonly on: AppMessages) {
    socket.on('data', (chunk: Buffer) => this.lines.push(chunk, chunk.length, this.sink));
    // EPIPE/ECONNRESET when the app exits or closes its end: the exit tells the rest.
    socket.on('error', () => undefined);
  }

  /** Whether a message can still reach the app. */
  get connected(): boolean {
    return this.socket.writable && !this.socket.destroyed;
  }

  /**
   * Stops reading on every write: from now on what the app sends waits in the socket until drain().
   * The 'data' listener stays, so anything that starts a read again loses nothing. False: it is
   * closed or cannot (the stream keeps being read as before).
   */
  readOnDemand(): boolean {
    if (this.fd >= 0) return true;
    const handle = (this.socket as unknown as { _handle?: PipeHandle | null })._handle;
    if (this.socket.destroyed || handle == null || typeof handle.fd !== 'number' || handle.fd < 0) return false;
    if (handle.readStop() !== 0) return false;
    handle.reading = true;
    this.fd = handle.fd;
    return true;
  }

  /** Reads and acts on what the app sent since the last drain (read on demand only). */
  drain(): void {
    // destroyed: its fd is closed, and the number may already be another file's.
    while (this.fd >= 0 && !this.socket.destroyed) {
      const n = readNow(this.fd);
      if (n <= 0) {
        if (n === 0) this.fd = -1; // the app closed its end (it exits): the exit tells the rest
        return;
      }
      this.lines.push(drainBuffer, n, this.sink);
      if (n < drainBuffer.length) return;
    }
  }

  /** Ends the channel (the app exited); a channel read on demand never sees its end by itself. */
  close(): void {
    this.fd = -1;
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

/** Bytes read from the non-blocking fd into drainBuffer; -1 when nothing is waiting; 0 at its end or a failure. */
function readNow(fd: number): number {
  // An empty socket throws EAGAIN: without a stack trace that costs a fraction.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return readSync(fd, drainBuffer, 0, drainBuffer.length, null);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EAGAIN' ? -1 : 0; // ECONNRESET and the like: the exit explains
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The bytes of a beat, compared in place (Buffer#compare validates five arguments per call). */
function isHeartbeat(buf: Buffer, start: number, end: number): boolean {
  if (end - start !== HEARTBEAT.length) return false;
  for (let i = 0; i < HEARTBEAT.length; i++) if (buf[start + i] !== HEARTBEAT[i]) return false;
  return true;
}
