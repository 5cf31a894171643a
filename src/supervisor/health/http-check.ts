// HTTP(S) GET: healthy on a status below 400 within the timeout. No keep-alive, body discarded.
import http from 'node:http';
import https from 'node:https';
import type { Check } from './periodic-probe.js';

export function httpCheck(url: string): Check {
  const client = url.startsWith('https:') ? https : http;
  return (timeoutMs) => new Promise<void>((resolve, reject) => {
    const req = client.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      if (status < 400) resolve();
      else reject(new Error(`GET ${url} answered ${status}`));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out after ${timeoutMs}ms`)));
    req.on('error', (err) => reject(new Error(`GET ${url}: ${err.message}`)));
  });
}
