// For tests of the HTTP side: where a test daemon's server listens (the `http` daemon event), a
// free loopback port, and a fetch that keeps cookies out of it.
import type { TestHome } from './bulwark-cli.js';
import { waitFor } from './wait-for.js';

export const TOKEN = 'bulwark-test-token-0123456789abcdef0123';

/** The URL the daemon of `home` serves http on (config `listen: 127.0.0.1:0`). */
export async function httpUrl(home: TestHome): Promise<string> {
  return waitFor('the http server', async () => {
    const r = await home.run(['events', '--type', 'daemon', '-n', '50', '--json']);
    const events = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string; message: string });
    const started = events.filter((e) => e.kind === 'http').pop();
    return started ? /(https?:\/\/\S+)/.exec(started.message)?.[1] ?? '' : '';
  }, 20_000, 100);
}

