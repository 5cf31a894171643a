// The HTTP side's budgets (issue 13), on a real daemon with 20 idle apps:
//   idle daemon CPU with http off, then on with nobody connected (same daemon, same apps);
//   /metrics latency; dashboard first render in Chromium with 10,000 security events; a crash on
//   the page; and, in this process, the RssAnon an hour of history for 20 apps costs (the ring
//   buffer filled through its injected clock, plus scrapes and snapshots).
// No peer here: PM2's dashboard is a hosted service, and `pm2 monit` has no HTTP side.
// `node dist/bench/run.js http`; BENCH_HTTP_IDLE_S sets the CPU window (default 30 s).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { procClock, readProcStat } from '../src/supervisor/proc-stat.js';
import { middle, pct } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '../../bin/bulwark');
const APPS = 20;
const EVENTS = 10_000;
const TOKEN = 'bench-token-0123456789abcdef0123456789';
const IDLE_S = Number(process.env.BENCH_HTTP_IDLE_S ?? 30);

interface Ctx { dir: string; env: NodeJS.ProcessEnv }

function cli(ctx: Ctx, args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ctx.dir, env: ctx.env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`bulwark ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssAnonKiB(pid: number | 'self'): number {
  return Number(/RssAnon:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
}

async function cpuPct(pid: number, seconds: number): Promise<number> {
  const t0 = readProcStat(pid)!.cpuTicks;
  const w0 = performance.now();
  await sleep(seconds * 1000);
  const ticks = readProcStat(pid)!.cpuTicks - t0;
  return ((ticks / procClock().ticksPerSec) / ((performance.now() - w0) / 1000)) * 100;
}

async function httpUrl(ctx: Ctx): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const m = /serving \/metrics and the dashboard on (\S+)/.exec(cli(ctx, ['events', '--type', 'daemon', '-n', '20']));
    if (m) return m[1]!;
    await sleep(100);
  }
  throw new Error('the http server did not start');
}

/** RssAnon growth of an hour of history for 20 apps, in this process. */
async function historyMemory(): Promise<{ growthKiB: number; points: number }> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = rssAnonKiB('self');
  const { UsageHistory } = await import('../src/http/history.js');
  const { MetricsRegistry } = await import('../src/http/metrics.js');
  const { snapshot } = await import('../src/http/view-model.js');
  const { EventCounters } = await import('../src/events/counters.js');
  let now = Date.now();
  const history = new UsageHistory({ now: () => now });
  const instances = Array.from({ length: APPS }, (_, i) => ({ app: `app${i}`, instance: 0, pid: 1000 + i, state: 'online' as const, uptimeMs: 3_600_000, restarts: 0, cpu: 1.5, memoryBytes: 50e6, health: 'none' as const, lastExit: null }));
  const view = {
    version: 'bench', hostname: 'bench', startedAt: now, sampleNow: async () => undefined, instances: () => instances, probes: () => [], counters: () => new EventCounters(),
    recentEvents: () => [], follow: () => () => {}, offenders: () => [], endpoints: () => [], pipeline: () => null,
    alertCounters: () => ({ deduplicated: {} }), operate: async () => undefined,
  };
  let points = 0;
  for (let step = 0; step < 360; step++) {
    now += history.stepMs;
    for (const i of instances) { history.record(`${i.app}/0`, Math.random() * 100, 40e6 + Math.random() * 20e6); points++; }
  }
  const metrics = new MetricsRegistry(view);
  for (let i = 0; i < 10; i++) await metrics.render();
  for (let i = 0; i < 3; i++) JSON.stringify(snapshot(view, history, 'csrf'));
  gc();
  return { growthKiB: rssAnonKiB('self') - before, points };
}

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-http-'));
  const ctx: Ctx = { dir, env: { ...process.env, BULWARK_HOME: join(dir, 'home'), BULWARK_HTTP_TOKEN: TOKEN } };
  const lines: string[] = [];
  const load = () => loadavg().map((l) => l.toFixed(1)).join('/');
  try {
    writeFileSync(join(dir, 'idle.cjs'), 'setInterval(() => {}, 60_000);\n');
    writeFileSync(join(dir, 'attacker.cjs'), `const line = '203.0.113.50 - - [02/Dec/2026:10:00:00 +0000] "GET /item?id=1%27%20OR%20%271%27=%271 HTTP/1.1" 200 12 "-" "bench"';
let n = 0; const burst = () => { for (let i = 0; i < 500 && n < ${EVENTS}; i++, n++) console.log(line); if (n < ${EVENTS}) setTimeout(burst, 20); }; burst(); setInterval(() => {}, 60_000);\n`);
    const apps = Array.from({ length: APPS - 1 }, (_, i) => `  - { name: idle${i}, script: idle.cjs }\n`).join('');
    writeFileSync(join(dir, 'apps.yml'), `apps:\n${apps}`);
    writeFileSync(join(dir, 'http.yml'), 'http:\n  listen: 127.0.0.1:0\n  token: ${BULWARK_HTTP_TOKEN}\n');
    writeFileSync(join(dir, 'attacker.yml'), 'apps:\n  - { name: attacker, script: attacker.cjs }\n');
    cli(ctx, ['start', 'apps.yml']);
    const pid = Number(readFileSync(join(dir, 'home', 'daemon.pid'), 'utf8'));
    await sleep(15_000); // settle: the first samples, the first status sampling round
    const rssOff = rssAnonKiB(pid);
    const cpuOff = await cpuPct(pid, IDLE_S);
    cli(ctx, ['start', 'http.yml']);
    const base = await httpUrl(ctx);
    await sleep(5_000);
    const rssOn = rssAnonKiB(pid);
    const cpuOn = await cpuPct(pid, IDLE_S);
    lines.push(`### Idle daemon, ${APPS - 1} apps, nobody connected (${IDLE_S} s each, same daemon, load ${load()})`, '',
      '| http | daemon CPU (% of a core) | daemon RssAnon |', '|---|---|---|',
      `| off | ${cpuOff.toFixed(3)} | ${(rssOff / 1024).toFixed(1)} MB |`,
      `| on | ${cpuOn.toFixed(3)} | ${(rssOn / 1024).toFixed(1)} MB (+${((rssOn - rssOff) / 1024).toFixed(1)} MB: prom-client and the server) |`, '');

    cli(ctx, ['start', 'attacker.yml']);
    for (let i = 0; i < 600; i++) {
      const text = await (await fetch(`${base}/metrics`)).text();
      if (Number(/bulwark_security_events_total\{kind="sqli"\} (\d+)/.exec(text)?.[1] ?? 0) >= EVENTS) break;
      await sleep(200);
    }
    const times: number[] = [];
    let size = 0;
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      size = (await (await fetch(`${base}/metrics`)).text()).length;
      times.push(performance.now() - t0);
    }
    lines.push(`### /metrics with ${APPS} apps and ${EVENTS} events seen (100 requests, load ${load()})`, '',
      `median ${middle(times).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms, ${(size / 1024).toFixed(1)} KB of text. Target: < 20 ms.`, '');

    const { chromium } = await import('playwright-core');
    const profile = mkdtempSync(join(tmpdir(), 'bulwark-bench-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.BULWARK_CHROMIUM ?? '/usr/bin/chromium', headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const renders: number[] = [];
      for (let i = 0; i < 5; i++) {
        const page = await context.newPage();
        await page.goto(`${base}/?token=${TOKEN}`);
        await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
        renders.push(Number(await page.locator('body').getAttribute('data-ready')));
        await page.close();
      }
      const page = await context.newPage();
      await page.goto(`${base}/`);
      await page.waitForSelector('body[data-ready]');
      const rows = await page.locator('#security tbody tr').count();
      const crashes: number[] = [];
      const status = JSON.parse(cli(ctx, ['status', '--json'])) as { name: string; pid: number }[];
      for (const name of ['idle0', 'idle1', 'idle2']) {
        await page.evaluate(() => {
          const w = window as unknown as { seen?: number; before?: number };
          w.before = document.querySelectorAll('#timeline li[data-kind="crash"]').length;
          w.seen = undefined;
          new MutationObserver((_, obs) => {
            if (document.querySelectorAll('#timeline li[data-kind="crash"]').length > (w.before ?? 0)) { w.seen = performance.now(); obs.disconnect(); }
          }).observe(document.getElementById('timeline')!, { childList: true, subtree: true });
        });
        const t0 = await page.evaluate(() => performance.now());
        process.kill(status.find((s) => s.name === name)!.pid, 'SIGKILL');
        let seen: number | undefined;
        for (let i = 0; i < 200 && seen === undefined; i++) {
          seen = await page.evaluate(() => (window as unknown as { seen?: number }).seen);
          if (seen === undefined) await sleep(10);
        }
        crashes.push(seen === undefined ? NaN : seen - t0);
      }
      lines.push(`### Dashboard in headless Chromium: ${APPS} apps, ${EVENTS} security events (load ${load()})`, '',
        `First render (navigation start to the first snapshot drawn, 5 loads): median ${middle(renders).toFixed(0)} ms, max ${Math.max(...renders).toFixed(0)} ms (${rows} feed rows drawn; the stream's first message carries the newest 5,000 events the daemon keeps in memory). Target: < 1 s.`, '',
        `A crash (SIGKILL) on the page's timeline: ${crashes.map((c) => `${c.toFixed(0)} ms`).join(', ')}. Target: < 1 s.`, '');
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }

    const mem = await historyMemory();
    lines.push('### An hour of history for 20 apps (in the bench process: ring buffer filled through its clock, 10 scrapes, 3 snapshots)', '',
      `RssAnon growth: ${(mem.growthKiB / 1024).toFixed(2)} MB for ${mem.points} samples (including loading prom-client and the http modules). Target: <= 5 MB.`, '');
    return lines.join('\n');
  } finally {
    spawnSync(process.execPath, [BIN, 'kill'], { env: ctx.env, timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  run().then((t) => console.log(t), (err) => { console.error(err); process.exit(1); });
}

