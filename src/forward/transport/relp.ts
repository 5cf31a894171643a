// RELP (rsyslog's Reliable Event Logging Protocol): every `syslog` command is answered with
// `rsp 200 OK`, so a message leaves the spool exactly when the receiver took it. Unacked
// messages are resent on a new session; rsyslog's imrelp stores before it acks.
import type { Socket } from 'node:net';
import { ForwardError, classify } from '../errors.js';
import { relpSyslogFrames } from '../framing.js';
import type { Mark } from '../spool/spool.js';
import type { Batch, Link, LinkEvents } from './link.js';
import { RelpParser, type RelpFrame } from './relp-parser.js';

const OFFERS = 'relp_version=0\nrelp_software=bulwark\ncommands=syslog';
const TXNR_MAX = 999_999_999;
// Unacked messages in flight before write() asks the pump to wait (librelp's window is 128 by
// default on its client; its server takes more).
const WINDOW = 4096;

/** One written batch: txnrs first..first+count-1, `acked` of them answered so far. */
interface InFlight {
  first: number;
  count: number;
  acked: number;
  from: Mark;
  ends: number[];
}

function nextTxnr(t: number): number {
  return t >= TXNR_MAX ? 1 : t + 1;
}

/** txnr `t` advanced by `n`, wrapping from 999,999,999 to 1. */
function addTxnr(t: number, n: number): number {
  return ((t - 1 + n) % TXNR_MAX) + 1;
}

/** Runs the `open` handshake on a connected socket; resolves with the parser for the session's frames. */
export function relpOpen(socket: Socket, timeoutMs: number): Promise<RelpParser> {
  const parser = new RelpParser();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new ForwardError('EFWD_TIMEOUT', `RELP: no answer to open within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      let frames: RelpFrame[];
      try {
        frames = parser.push(chunk);
      } catch (e) {
        return done(e as ForwardError);
      }
      const rsp = frames[0];
      if (!rsp) return;
      if (rsp.command !== 'rsp' || rsp.txnr !== 1 || !rsp.data.startsWith('200')) {
        return done(new ForwardError('EFWD_PROTOCOL', `RELP: open refused: ${rsp.command} ${rsp.data.split('\n')[0]}`));
      }
      done(null);
    };
    const onError = (e: Error) => done(classify(e, 'RELP open'));
    const onClose = () => done(new ForwardError('EFWD_CLOSED', 'RELP: the receiver closed the connection during open'));
    const done = (err: ForwardError | null) => {
      clearTimeout(timer);
      socket.off('data', onData).off('error', onError).off('close', onClose);
      if (err) {
        socket.destroy();
        reject(err);
      } else {
        resolve(parser);
      }
    };
    socket.on('data', onData).on('error', onError).on('close', onClose);
    socket.write(`1 open ${Buffer.byteLength(OFFERS)} ${OFFERS}\n`);
  });
}

export class RelpLink implements Link {
  private txnr = 1; // 1 was the open command
  private readonly inFlight: InFlight[] = [];
  private unacked = 0;
  private dead = false;
  private closeTxnr = -1;
  private onIdle: (() => void) | null = null;
  private onClosed: (() => void) | null = null;

  constructor(private readonly socket: Socket, private readonly parser: RelpParser, readonly events: LinkEvents) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (e) => this.fail(classify(e, 'RELP')));
    socket.on('close', () => this.fail(new ForwardError('EFWD_CLOSED', 'RELP: connection closed')));
  }

  write(batch: Batch): boolean {
    const txnrs: number[] = new Array(batch.ends.length);
    const first = nextTxnr(this.txnr);
    for (let i = 0; i < txnrs.length; i++) txnrs[i] = this.txnr = nextTxnr(this.txnr);
    this.inFlight.push({ first, count: txnrs.length, acked: 0, from: batch.from, ends: batch.ends });
    this.unacked += txnrs.length;
    this.socket.write(relpSyslogFrames(batch.data, batch.ends, txnrs));
    return this.unacked < WINDOW;
  }

  async close(timeoutMs: number): Promise<void> {
    if (this.dead) return;
    const deadline = setTimeout(() => this.fail(new ForwardError('EFWD_TIMEOUT', 'RELP: close timed out')), timeoutMs);
    deadline.unref();
    if (this.unacked > 0) await new Promise<void>((resolve) => { this.onIdle = resolve; this.onClosed = resolve; });
    if (!this.dead) {
      this.closeTxnr = this.txnr = nextTxnr(this.txnr);
      await new Promise<void>((resolve) => {
        this.onClosed = resolve;
        this.socket.write(`${this.closeTxnr} close 0\n`);
      });
    }
    clearTimeout(deadline);
    this.dead = true;
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    let frames: RelpFrame[];
    try {
      frames = this.parser.push(chunk);
    } catch (e) {
      return this.fail(e as ForwardError);
    }
    let confirmed: Mark | undefined;
    let failure: ForwardError | null = null;
    for (const f of frames) {
      if (f.command === 'serverclose') {
        failure = new ForwardError('EFWD_CLOSED', 'RELP: the receiver closed the session');
        break;
      }
      if (f.command !== 'rsp') continue;
      if (f.txnr === this.closeTxnr) {
        this.dead = true;
        this.onClosed?.();
        continue;
      }
      const head = this.inFlight[0];
      // librelp answers in order; anything else means we no longer know what was taken.
      if (!head || f.txnr !== addTxnr(head.first, head.acked)) {
        failure = new ForwardError('EFWD_PROTOCOL', `RELP: unexpected ack for txnr ${f.txnr}`);
        break;
      }
      if (!f.data.startsWith('200')) {
        failure = new ForwardError('EFWD_PROTOCOL', `RELP: message ${f.txnr} refused: ${f.data}`);
        break;
      }
      const i = head.acked++;
      confirmed = { pos: head.from.pos + head.ends[i]! + 1, seq: head.from.seq + i + 1 };
      this.unacked--;
      if (head.acked === head.count) this.inFlight.shift();
    }
    // Acks that came in the same read as a close still count: those messages were taken.
    if (confirmed) this.events.delivered(confirmed);
    if (failure) return this.fail(failure);
    if (confirmed) {
      if (this.unacked < WINDOW / 2) this.events.drain();
      if (this.unacked === 0) this.onIdle?.();
    }
  }

  private fail(err: ForwardError): void {
    if (this.dead) return;
    this.dead = true;
    this.socket.destroy();
    this.onClosed?.();
    this.events.down(err);
  }
}
