// Server-sent events for the dashboard: a snapshot first, then every event of the bus as it
// happens and the live state (apps, endpoints, deliveries) whenever it may have changed. Nothing
// runs while nobody watches: the bus subscription and the refresh timer exist only while at least
// one page is connected. A page that does not keep up is disconnected (it reconnects and gets a
// fresh snapshot) rather than buffered without bound.
import type { ServerResponse } from 'node:http';
import type { BulwarkEvent } from '../events/types.js';
import type { DaemonView } from './daemon-view.js';
import type { UsageHistory } from './history.js';
import { eventForDisplay, liveState, snapshot } from './view-model.js';

/** Live state at least this often (uptime, CPU); and at most this soon after a change. */
const REFRESH_MS = 2000;
const CHANGE_DEBOUNCE_MS = 50;
const KEEPALIVE_MS = 15_000;
/** Unsent bytes a page may owe before it is cut off. */
const MAX_BACKLOG_BYTES = 8 * 1024 * 1024;

export class LiveStream {
  private readonly clients = new Set<ServerResponse>();
  private unfollow: (() => void) | null = null;
  private refreshTimer: NodeJS.Timeout | undefined;
  private changeTimer: NodeJS.Timeout | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly view: DaemonView, private readonly history: UsageHistory) {}

  get size(): number {
    return this.clients.size;
  }

  /** Starts streaming to `res`; `csrf` goes to this page only. */
  add(res: ServerResponse, csrf: string | null): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    res.socket?.setNoDelay(true);
    this.clients.add(res);
    res.on('close', () => this.remove(res));
    this.send(res, 'snapshot', snapshot(this.view, this.history, csrf));
    if (this.clients.size === 1) this.wake();
  }

  /** A new history sample was taken: pages append it to their sparklines. */
  sampled(): void {
    if (this.clients.size > 0) this.broadcast('live', { ...(liveState(this.view, this.history, false) as object), sample: true });
  }

  close(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.sleep();
  }

  private wake(): void {
    this.unfollow = this.view.follow((e) => this.onEvent(e));
    this.refreshTimer = setInterval(() => {
      void this.view.sampleNow(REFRESH_MS / 2).then(() => this.broadcast('live', liveState(this.view, this.history, false)));
    }, REFRESH_MS);
    this.keepaliveTimer = setInterval(() => { for (const res of this.clients) this.write(res, ': keepalive\n\n'); }, KEEPALIVE_MS);
  }

  private sleep(): void {
    this.unfollow?.();
    this.unfollow = null;
    clearInterval(this.refreshTimer);
    clearInterval(this.keepaliveTimer);
    clearTimeout(this.changeTimer);
    this.changeTimer = undefined;
  }

  private remove(res: ServerResponse): void {
    if (!this.clients.delete(res)) return;
    if (this.clients.size === 0) this.sleep();
  }

  private onEvent(e: BulwarkEvent): void {
    this.broadcast('event', eventForDisplay(e));
    // A state change (crash, restart, endpoint up or down): the live state right after it.
    if (e.type === 'lifecycle' || e.type === 'forward' || e.type === 'alert') {
      this.changeTimer ??= setTimeout(() => {
        this.changeTimer = undefined;
        this.broadcast('live', liveState(this.view, this.history, false));
      }, CHANGE_DEBOUNCE_MS);
    }
  }

  private broadcast(name: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const frame = `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of this.clients) this.write(res, frame);
  }

  private send(res: ServerResponse, name: string, data: unknown): void {
    this.write(res, `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(res: ServerResponse, frame: string): void {
    if (res.writableLength > MAX_BACKLOG_BYTES) {
      res.destroy();
      this.remove(res);
      return;
    }
    res.write(frame);
  }
}
