// HTTP(S) GET: healthy on a status below 400 within the timeout. No keep-alive, body discarded.
// node:http and node:https load at the first check, not with the daemon: they are ~1 MB of its
// memory, which every fork of an app copies, and most configs have no HTTP check.
import type { Check } from './periodic-probe.js';

export function httpCheck(url: string): Check {
  return async (timeoutMs) => {
    const client = url.startsWith('https:') ? await import('node:https') : await import('node:http');
    return get(client.get, url, timeoutMs);
  };
}

function get(getUrl: typeof import('node:http').get, url: string, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const req = getUrl(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      if (status < 400) resolve();
      else reject(new Error(`GET ${url} answered ${status}`));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out after ${timeoutMs}ms`)));
    req.on('error', (err) => reject(new Error(`GET ${url}: ${err.message}`)));
  });
}
