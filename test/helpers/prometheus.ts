// The real Prometheus server (Debian's `prometheus`) for tests: started on a free loopback port
// with a 1 s scrape interval and the given scrape_configs, ready before it returns.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

export type PromResult = { metric: Record<string, string>; value: [number, string] }[];

export interface PrometheusServer {
  url: string;
  /** An instant query; asserts the API answered `success`. */
  query(expr: string): Promise<PromResult>;
  stop(): Promise<void>;
}

/** `scrapeConfigs`: the YAML list that goes under `scrape_configs:`. Files live in `dir`. */
export async function startPrometheus(dir: string, scrapeConfigs: string): Promise<PrometheusServer> {
  const port = await freePort();
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'prometheus.yml'), `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n${scrapeConfigs}`);
  const child = spawn('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  };
  await waitFor('Prometheus to be ready', async () => (await fetch(`${url}/-/ready`)).ok, 30_000, 200)
    .catch(async (err: Error) => { await stop(); throw new Error(`${err.message}\n${stderr}`); });
  return {
    url,
    stop,
    async query(expr) {
      const body = await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`)).json() as { status: string; data: { result: PromResult } };
      assert.equal(body.status, 'success');
      return body.data.result;
    },
  };
}
