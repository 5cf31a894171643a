// A steady HTTP load for reload benches and tests: `concurrency` clients, each sending one GET after
// another on a new connection (keep-alive off, so every request is a fresh accept: the case where
// a port with nobody behind it shows as ECONNREFUSED). Counts answers, failures by kind, and which
// pid answered (the apps used here answer "<pid> ...").
import http from 'node:http';

export interface LoadResult {
  ok: number;
  failed: number;
  /** Failure message (digits folded) -> count: ECONNREFUSED, ECONNRESET, socket hang up, timeouts. */
  errors: Record<string, number>;
  /** pid -> answers. */
  byPid: Map<string, number>;
  ms: number;
}

export interface Load {
  /** Answers and failures so far. */
  snapshot(): LoadResult;
  /** Stops sending and resolves once every request in flight has ended. */
  stop(): Promise<LoadResult>;
}

export function httpLoad(port: number, opts: { concurrency?: number; host?: string; timeoutMs?: number; path?: string } = {}): Load {
  const { concurrency = 4, host = '127.0.0.1', timeoutMs = 30_000, path = '/' } = opts;
  const began = performance.now();
  const r: LoadResult = { ok: 0, failed: 0, errors: {}, byPid: new Map(), ms: 0 };
  let running = true;
  const one = () => new Promise<void>((resolve) => {
    const req = http.get({ host, port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => {
        if (res.statusCode === 200) {
          r.ok++;
          const pid = body.split(' ')[0]!.trim();
          r.byPid.set(pid, (r.byPid.get(pid) ?? 0) + 1);
        } else {
          fail(`HTTP ${res.statusCode}`);
        }
        resolve();
      });
      res.on('error', (err) => { fail(err.message); resolve(); });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => { fail(err.message); resolve(); });
  });
  const fail = (message: string) => {
    r.failed++;
    const kind = message.replace(/\d+/g, 'N');
    r.errors[kind] = (r.errors[kind] ?? 0) + 1;
  };
  const clients = Array.from({ length: concurrency }, async () => {
    while (running) await one();
  });
  const snapshot = (): LoadResult => ({ ...r, errors: { ...r.errors }, byPid: new Map(r.byPid), ms: performance.now() - began });
  return {
    snapshot,
    stop: async () => {
      running = false;
      await Promise.all(clients);
      return snapshot();
    },
  };
}

/** Resolves once `port` answers a GET (an app that listens), or rejects after `timeoutMs`. */
export async function waitForAnswer(port: number, timeoutMs = 30_000, host = '127.0.0.1'): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<string>((resolve, reject) => {
        const req = http.get({ host, port, agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => { body += d; });
          res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}`))));
        });
        req.setTimeout(5_000, () => req.destroy(new Error('no answer')));
        req.on('error', reject);
      });
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`port ${port} did not answer within ${timeoutMs} ms: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
