// `client.events()`: the daemon's event stream as an async iterator. Each stream has its own
// connection, because the daemon ends a stream only when its client disconnects.
import { DaemonClient } from '../client/client.js';
import type { BulwarkEvent } from '../events/types.js';

export interface EventFilter {
  /** An event type (lifecycle, security, alert, forward, daemon) or a kind (crash, hang, sqli, ...). */
  type?: string;
  /** Only this app's events. */
  app?: string;
  /** Replay this many past events before the live ones (default 0: live only). */
  history?: number;
}

/** Live events; `return()` (a `break` out of `for await`) or `close()` ends the stream and its connection. */
export interface EventStream extends AsyncIterableIterator<BulwarkEvent> {
  close(): void;
}

/**
 * Opens a stream and resolves once the daemon has registered it, so no event published after that
 * is missed (requests on one connection are handled in order: the ping answers after the follow is set).
 * The stream fails with DaemonUnreachableError if the daemon goes away.
 */
export async function openEventStream(socketPath: string, filter: EventFilter, timeoutMs: number): Promise<EventStream> {
  const conn = await DaemonClient.connect(socketPath, timeoutMs);
  const queue: BulwarkEvent[] = [];
  let waiting: { resolve(r: IteratorResult<BulwarkEvent>): void; reject(e: Error): void } | null = null;
  let failure: Error | null = null;
  let done = false;

  const finish = (): IteratorResult<BulwarkEvent> => {
    if (!done) { done = true; conn.close(); }
    return { value: undefined, done: true };
  };
  conn.request('events', { type: filter.type, app: filter.app, limit: filter.history ?? 0, follow: true }, (data) => {
    const e = data as BulwarkEvent;
    if (waiting) { const w = waiting; waiting = null; w.resolve({ value: e, done: false }); } else queue.push(e);
  }).catch((err: Error) => {
    if (done) return; // closed by us
    failure = err;
    done = true;
    if (waiting) { const w = waiting; waiting = null; w.reject(err); }
  });

  await conn.request('ping');

  const iterator: EventStream = {
    next: () => {
      const e = queue.shift();
      if (e !== undefined) return Promise.resolve({ value: e, done: false });
      if (failure) return Promise.reject(failure);
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => { waiting = { resolve, reject }; });
    },
    return: () => {
      const r = finish();
      if (waiting) { const w = waiting; waiting = null; w.resolve(r); }
      return Promise.resolve(r);
    },
    close: () => { void iterator.return!(); },
    [Symbol.asyncIterator]() { return iterator; },
  };
  return iterator;
}
