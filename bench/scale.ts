// Scale: bulwark and PM2 supervising the same N `sleep` apps at once, so only the supervisors' own
// cost shows, measured over the same window (machine noise hits both alike). Then bulwark alone at
// the largest N with memory limits on every app, and with every app sending 1 s heartbeats.
// Start is measured against a floor taken in the same run: a bare Node loop forking the same apps
// (the plain case's `sleep`s, and the heartbeat case's bash loops with their channel).
// One command: `npm run bench -- scale` (knobs: SCALE_SIZES=20,200,1000, SCALE_WINDOW_S=60,
// SCALE_SETTLE_S=30, SCALE_PEERS=bulwark,pm2, SCALE_CASES=plain,limits,heartbeats,tailed to run only some). Method: docs/operating.md "How many apps, files and lines one daemon carries".
// Its parts live in bench/scale/: the peers' CLIs, the apps' configurations, the row and the report.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { procClock, readProcStat } from '../src/supervisor/proc-stat.js';
import { firstLine } from './exec-timed.js';
import { killTaggedLeftovers, procMem } from './procs.js';
import { appCommand, bulwarkConfig, pm2Config } from './scale/app-configs.js';
import { hostBusy, hostShareSince } from './scale/host-load.js';
import { cli, daemonPid, execLarge, NODE, onlineCount, ROOT, type Ctx, type Peer } from './scale/peers.js';
import { report } from './scale/report.js';
import type { Row, Variant } from './scale/row.js';
import { median, middle } from './stats.js';

const BARE_START = join(ROOT, 'bench/apps/bare-start.cjs');
const SIZES = (process.env.SCALE_SIZES ?? '20,200,1000').split(',').map(Number).filter((n) => n > 0);
const WINDOW_MS = Number(process.env.SCALE_WINDOW_S ?? 60) * 1000;
// 30 s, not 10: V8's one large collection of the start's garbage (~0.4 s of CPU with 1,000 apps)
// lands 10-40 s after `start` returns; idle cost is what follows it, for every peer alike.
const SETTLE_MS = Number(process.env.SCALE_SETTLE_S ?? 30) * 1000;
/** How often the daemons' RssAnon is read during the window. */
const RSS_EVERY_MS = 5_000;
const PEERS = (process.env.SCALE_PEERS ?? 'bulwark,pm2').split(',') as Peer[];
const CASES = (process.env.SCALE_CASES ?? 'plain,limits,heartbeats,tailed').split(',') as Variant[];
const CLI_RUNS = 5;
/** restart.minUptime's default: what bulwark's `start` waits for, and so the bare loop too. */
const MIN_UPTIME_MS = 1000;

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-scale-'));
  const tag = randomUUID();
  const ctx: Ctx = {
    dir, tag, notes: [],
    bulwarkHome: join(dir, 'bulwark'), pm2Home: join(dir, 'pm2'),
    env: { ...process.env, BENCH_TAG: tag, BULWARK_HOME: join(dir, 'bulwark'), PM2_HOME: join(dir, 'pm2') },
  };
  delete ctx.env.PM2_PUBLIC_KEY; delete ctx.env.PM2_SECRET_KEY;
  mkdirSync(ctx.pm2Home, { recursive: true });
  const rows: Row[] = [];
  try {
    if (CASES.includes('plain')) for (const n of SIZES) rows.push(...await measure(ctx, n, 'plain', PEERS));
    const largest = Math.max(...SIZES);
    if (PEERS.includes('bulwark')) {
      for (const v of ['limits', 'heartbeats', 'tailed'] as const) if (CASES.includes(v)) rows.push(...await measure(ctx, largest, v, ['bulwark']));
    }
  } finally {
    await cleanup(ctx);
  }
  return report(rows, ctx.notes, { windowMs: WINDOW_MS, settleMs: SETTLE_MS });
}

/** Starts n apps under each peer, lets them settle, measures idle CPU over one shared window, then status and stop. */
async function measure(ctx: Ctx, n: number, variant: Variant, peers: Peer[]): Promise<Row[]> {
  console.error(`bench: scale: ${n} apps, ${variant}, ${peers.join(' + ')}`);
  const rows = new Map<Peer, Row>(peers.map((p) => [p, { peer: p, variant, apps: n }]));
  // 'tailed': one app whose logs.tail follows n files (idle), the rows' `apps` being the files.
  const names = Array.from({ length: variant === 'tailed' ? 1 : n }, (_, i) => `s${variant[0]}${i}`);
  if (variant === 'tailed') {
    const logs = join(ctx.dir, 'tailed');
    mkdirSync(logs, { recursive: true });
    for (let i = 0; i < n; i++) writeFileSync(join(logs, `f${i}.log`), '203.0.113.9 - - [02/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x"\n');
  }
  const bare = variant === 'plain' || variant === 'heartbeats' ? await bareStart(ctx, n, variant) : undefined;
  const startedAt = new Map<Peer, number>();
  for (const peer of peers) {
    const row = rows.get(peer)!;
    const file = peer === 'bulwark' ? bulwarkConfig(ctx, names, variant) : pm2Config(ctx, names);
    startedAt.set(peer, Date.now());
    const r = await cli(ctx, peer, ['start', file], 300_000);
    row.startS = r.ms / 1000;
    const pid = daemonPid(ctx, peer);
    if (pid !== undefined) row.startCpuS = ticks(pid) / procClock().ticksPerSec;
    if (peer === 'pm2') row.spawnedS = row.startS;
    if (r.code !== 0) row.note = `start exited ${r.code}: ${firstLine(r.stderr || r.stdout)}`;
  }
  await sleep(SETTLE_MS);
  for (const peer of peers) rows.get(peer)!.online = await onlineCount(ctx, peer, variant === 'heartbeats');

  const pids = new Map(peers.map((p) => [p, daemonPid(ctx, p)]));
  const before = new Map(peers.map((p) => [p, ticks(pids.get(p))]));
  const hostBefore = hostBusy();
  const t0 = performance.now();
  // RssAnon every few seconds through the window: one reading lands anywhere between two full
  // collections (a daemon's RssAnon moved 37 to 45 MB between runs that way); the median is the level.
  const anon = new Map<Peer, number[]>(peers.map((p) => [p, []]));
  for (let at = Math.min(RSS_EVERY_MS, WINDOW_MS); ; at = Math.min(at + RSS_EVERY_MS, WINDOW_MS)) {
    await sleep(Math.max(0, t0 + at - performance.now()));
    for (const p of peers) { const pid = pids.get(p); if (pid !== undefined) anon.get(p)!.push(procMem(pid).anon / 1024); }
    if (at === WINDOW_MS) break; // the last reading is at the window's end
  }
  const wall = performance.now() - t0;
  const hostShare = hostShareSince(hostBefore);
  const hz = procClock().ticksPerSec;
  for (const peer of peers) {
    const row = rows.get(peer)!;
    const pid = pids.get(peer);
    if (pid === undefined) { row.note ??= 'no daemon pid'; continue; }
    row.idleCpu = ((ticks(pid) - before.get(peer)!) / hz / (wall / 1000)) * 100;
    const readings = anon.get(peer)!; // one at least: the window's end
    row.rssAnonMb = middle(readings);
    row.rssAnonMaxMb = Math.max(...readings);
    row.load = `${loadavg()[0]!.toFixed(1)} / ${hostShare.toFixed(0)} %`;
  }

  // The CLI, interleaved so noise hits both alike; /usr/bin/time reports the CLI's peak RSS.
  const status: Record<Peer, number[]> = { bulwark: [], pm2: [], bare: [] };
  for (let i = 0; i < CLI_RUNS; i++) {
    for (const peer of peers) {
      const r = await cli(ctx, peer, peer === 'bulwark' ? ['status', '--json'] : ['jlist'], 60_000, true);
      status[peer].push(r.ms / 1000);
      const row = rows.get(peer)!;
      row.statusBytes = Buffer.byteLength(r.stdout);
      row.statusCliMb = Math.max(row.statusCliMb ?? 0, r.maxRssKb / 1024);
    }
  }
  for (const peer of peers) rows.get(peer)!.statusS = median(status[peer]);
  if (peers.includes('bulwark')) {
    const r = await cli(ctx, 'bulwark', ['events', '-n', '100000', '--json'], 60_000, true);
    rows.get('bulwark')!.eventsCliMb = r.maxRssKb / 1024;
    rows.get('bulwark')!.spawnedS = lastSpawnS(r.stdout, startedAt.get('bulwark')!, names.length);
  }

  for (const peer of peers) {
    const r = await cli(ctx, peer, ['stop', 'all'], 300_000);
    rows.get(peer)!.stopS = r.ms / 1000;
    await cli(ctx, peer, ['delete', 'all'], 300_000);
    // A fresh daemon for the next case: its RssAnon is then that case's alone.
    await cli(ctx, peer, ['kill'], 120_000);
  }
  return [...(bare ? [bare] : []), ...rows.values()];
}

/** The floor for `start`: bench/apps/bare-start.cjs forking the case's n apps, timed like the CLIs. */
async function bareStart(ctx: Ctx, n: number, variant: 'plain' | 'heartbeats'): Promise<Row> {
  const row: Row = { peer: 'bare', variant, apps: n };
  const t0 = Date.now();
  const env = variant === 'heartbeats' ? { ...ctx.env, BARE_START_CHANNEL: '1' } : ctx.env;
  const r = await execLarge(NODE, [BARE_START, String(n), String(MIN_UPTIME_MS), ...appCommand(variant)], env, 300_000);
  try {
    const out = JSON.parse(r.stdout) as { spawnedAt: number; survivedAt: number; survived: number; cpuMs: number };
    Object.assign(row, { spawnedS: (out.spawnedAt - t0) / 1000, startS: (out.survivedAt - t0) / 1000, online: out.survived, startCpuS: out.cpuMs / 1000 });
  } catch {
    row.note = `bare loop exited ${r.code}: ${firstLine(r.stderr || r.stdout)}`;
  }
  return row;
}

/** Seconds from `since` (ms since the epoch) until the last of `apps` apps was forked, from `events --json`. */
export function lastSpawnS(eventsJson: string, since: number, apps: number): number | undefined {
  const first = new Map<string, number>(); // app/instance -> its first fork in this case
  for (const line of eventsJson.split('\n')) {
    if (!line.includes('"pid"')) continue;
    try {
      const e = JSON.parse(line) as { app?: string; instance?: number; kind?: string; at?: string };
      const at = Date.parse(e.at ?? '');
      if ((e.kind !== 'spawned' && e.kind !== 'online') || !(at >= since)) continue;
      const key = `${e.app}/${e.instance}`;
      first.set(key, Math.min(first.get(key) ?? at, at));
    } catch { /* not an event line */ }
  }
  return first.size < apps ? undefined : (Math.max(...first.values()) - since) / 1000;
}

async function cleanup(ctx: Ctx): Promise<void> {
  await Promise.all([cli(ctx, 'bulwark', ['kill'], 120_000), cli(ctx, 'pm2', ['kill'], 120_000)]);
  // Anything still carrying our tag was started by this run: end exactly those.
  const left = await killTaggedLeftovers(ctx.tag, 10_000, 250);
  if (left > 0) ctx.notes.push(`cleanup: SIGKILLed ${left} leftover process(es) of this run`);
  rmSync(ctx.dir, { recursive: true, force: true });
}

function ticks(pid: number | undefined): number {
  return pid === undefined ? 0 : readProcStat(pid)?.cpuTicks ?? 0;
}
