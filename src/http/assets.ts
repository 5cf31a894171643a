// The dashboard's files, built into the package (no CDN, nothing fetched at run time): the page
// and its styles are strings in ./dashboard/page.ts; the script is ./dashboard/client.ts as tsc
// compiled it. Each is served gzipped when the browser takes it, with an ETag.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DASHBOARD_CSS, dashboardPage, loginPage } from './dashboard/page.js';

export interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

function asset(type: string, text: string): Asset {
  const body = Buffer.from(text, 'utf8');
  return { type, body, gzip: gzipSync(body, { level: 9 }), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` };
}

/**
 * The compiled client in dist/src/http/dashboard/: found from this module in dist/src/http/ or from the
 * CLI's bundle in dist/src/bundle/ (hence `../http/`). When this module runs from src/ (tsx, tests
 * in-process), the build's copy in dist/ (npm run build first).
 */
function clientScript(): string {
  const candidates = [
    new URL('../http/dashboard/client.js', import.meta.url),
    new URL('../../dist/src/http/dashboard/client.js', import.meta.url),
  ].map((u) => fileURLToPath(u));
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) throw new Error(`the dashboard script is not built (looked in ${candidates.join(', ')}): run npm run build`);
  return readFileSync(found, 'utf8');
}

let cached: Map<string, Asset> | null = null;

/** Path -> asset, built once per process. */
export function dashboardAssets(): Map<string, Asset> {
  cached ??= new Map([
    ['/assets/dashboard.js', asset('text/javascript; charset=utf-8', clientScript())],
    ['/assets/dashboard.css', asset('text/css; charset=utf-8', DASHBOARD_CSS)],
    ['/', asset('text/html; charset=utf-8', dashboardPage())],
  ]);
  return cached;
}

export function loginAsset(message: string): Asset {
  return asset('text/html; charset=utf-8', loginPage(message));
}
