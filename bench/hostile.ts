// Hostile input against the daemon's stores (issue 16, break 5): an app logs 1,000 tagged lines,
// each naming a unique 60 KB user. Measured: the offender book on disk, the daemon's RSS (now and
// peak), and the wall time of `bulwark offenders --json`. Before the fix (main at a2b4ad8):
// offenders.json 60 MB, RSS 263 MB, `offenders --json` 31.6 s.
// `npm run build && node dist/bench/hostile.js` prints the section; bench/run.ts includes it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DaemonClient } from '../src/client/client.js';

const here = dirname(fileURLToPath(import.meta.url)); // dist/bench
const ROOT = join(here, '../..');
const BULWARK = join(ROOT, 'bin/bulwark');
const APP = join(ROOT, 'bench/apps/hostile-users.mjs');
const LINES = Number(process.env.BENCH_HOSTILE_LINES ?? 1000);
const USER_BYTES = Number(process.env.BENCH_HOSTILE_USER_BYTES ?? 60_000);

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-hostile-'));
  const home = join(dir, 'home');
  const env = { ...process.env, BULWARK_HOME: home };
  const cli = (...args: string[]) => spawnSync(process.execPath, [BULWARK, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 30, timeout: 300_000 });
  try {
    const cfg = join(dir, 'hostile.yml');
    writeFileSync(cfg, `apps:\n  - name: victim\n    script: ${JSON.stringify(APP)}\n    args: ["${LINES}", "${USER_BYTES}"]\n`);
    const t0 = performance.now();
    const started = cli('start', cfg);
    if (started.status !== 0) throw new Error(`bulwark start failed: ${started.stderr}`);
    const pid = Number(readFileSync(join(home, 'daemon.pid'), 'utf8'));
    const client = await DaemonClient.connect(join(home, 'daemon.sock'));
    for (;;) {
      const s = await client.request<{ pipeline: { detections: number } | null }>('status', { all: true });
      if ((s.pipeline?.detections ?? 0) >= LINES) break;
      if (performance.now() - t0 > 600_000) throw new Error('detections did not arrive within 10 min');
      await new Promise((r) => setTimeout(r, 200));
    }
    const detectSecs = (performance.now() - t0) / 1000;
    client.close();
    // The book is persisted every 2 s; wait until its size stops changing.
    let size = -1;
    for (;;) {
      await new Promise((r) => setTimeout(r, 2500));
      const now = bookBytes(home);
      if (now === size && now > 0) break;
      size = now;
    }
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = kb(status, 'VmRSS');
    const peak = kb(status, 'VmHWM');
    const q0 = performance.now();
    const off = cli('offenders', '--json');
    const querySecs = (performance.now() - q0) / 1000;
    if (off.status !== 0) throw new Error(`offenders --json failed: ${off.stderr}`);
    const entries = (JSON.parse(off.stdout) as unknown[]).length;
    return [
      `${LINES.toLocaleString('en-US')} tagged lines, each with a unique ${(USER_BYTES / 1000).toFixed(0)} KB user name, through a real daemon`,
      `(captured stdout -> tail -> detect -> offender book). Load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' / ')}.`, '',
      '| measure | before (main a2b4ad8, issue 16) | now |',
      '|---|---:|---:|',
      `| offender book on disk | 60 MB (offenders.json) | ${mb(size)} (offenders.jsonl) |`,
      `| daemon RSS after the burst (peak) | 263 MB | ${mb(rss)} (${mb(peak)}) |`,
      `| \`bulwark offenders --json\` wall time | 31.6 s | ${querySecs.toFixed(2)} s |`,
      `| entries in the book | | ${entries.toLocaleString('en-US')} |`,
      `| start to all ${LINES} detections | | ${detectSecs.toFixed(1)} s |`,
    ].join('\n');
  } finally {
    cli('kill');
    rmSync(dir, { recursive: true, force: true });
  }
}

function bookBytes(home: string): number {
  const f = join(home, 'state', 'offenders.jsonl');
  return existsSync(f) ? statSync(f).size : 0;
}

function kb(status: string, field: string): number {
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
}

function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((text) => { console.log(text); process.exit(0); }, (err: Error) => { console.error(err); process.exit(1); });
}
