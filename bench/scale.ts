// Scale: bulwark and PM2 supervising the same N `sleep` apps at once, so only the supervisors' own
// cost shows, measured over the same window (machine noise hits both alike). Then bulwark alone at
// the largest N with memory limits on every app, and with every app sending 1 s heartbeats.
// Start is measured against a floor taken in the same run: a bare Node loop forking the same apps.
// One command: `npm run bench -- scale` (knobs: SCALE_SIZES=20,200,1000, SCALE_WINDOW_S=60,
// SCALE_SETTLE_S=30, SCALE_PEERS=bulwark,pm2, SCALE_CASES=plain,limits,heartbeats,tailed to run only some). Method: docs/operating.md "How many apps, files and lines one daemon carries".
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { procClock, readProcStat } from '../src/supervisor/proc-stat.js';
import { repoRoot } from './repo-root.js';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = repoRoot(dirname(fileURLToPath(import.meta.url)));
const NODE = process.execPath;
const BULWARK = join(ROOT, 'bin/bulwark');
const BARE_START = join(ROOT, 'bench/apps/bare-start.cjs');
const PM2 = join(ROOT, 'bench/node_modules/pm2/bin/pm2');
const SIZES = (process.env.SCALE_SIZES ?? '20,200,1000').split(',').map(Number).filter((n) => n > 0);
const WINDOW_MS = Number(process.env.SCALE_WINDOW_S ?? 60) * 1000;
// 30 s, not 10: V8's one large collection of the start's garbage (~0.4 s of CPU with 1,000 apps)
// lands 10-40 s after `start` returns; idle cost is what follows it, for every peer alike.
const SETTLE_MS = Number(process.env.SCALE_SETTLE_S ?? 30) * 1000;
const PEERS = (process.env.SCALE_PEERS ?? 'bulwark,pm2').split(',') as Peer[];
const CASES = (process.env.SCALE_CASES ?? 'plain,limits,heartbeats,tailed').split(',') as Variant[];
const CLI_RUNS = 5;
/** The targets of issue 15, for the verdict column. */
const TARGET = { idle: 0.3, limits: 1, heartbeats: 5, statusS: 0.3, startS: 4, rssAnonMb: 40 };
/**
 * Start of the largest N against the bare loop of the same run, in CPU time: the supervisor's own
 * (the daemon's whole life up to the CLI's return, its boot included) over the loop's. Wall time
 * is reported beside it but not judged: the two do not run at the same moment, and a loaded host
 * stretches the loop's wait for CPU more than its work, so the wall ratio moves with the load
 * (1.3x at load 4.7, 2x at load 1.5 in the same week); CPU time barely does. 2x: bulwark may
 * spend one more bare fork's worth per app on what a supervisor must do (its cgroup, state, events).
 */
const START_CPU_VS_BARE_MAX = 2;
/** restart.minUptime's default: what bulwark's `start` waits for, and so the bare loop too. */
const MIN_UPTIME_MS = 1000;
/** A heartbeat app without a fork per beat: bash writes the IPC message to fd 3 and waits 1 s on it. */
const HEARTBEAT_SCRIPT = 'while :; do printf \'{"bulwark":"heartbeat"}\\n\' >&3 || exit 1; read -t 1 -u 3; done';

type Peer = 'bulwark' | 'pm2' | 'bare';
type Variant = 'plain' | 'limits' | 'heartbeats' | 'tailed';

interface Row {
  peer: Peer;
  variant: Variant;
  apps: number;
  /** Until every app survived minUptime (bulwark, bare); PM2's CLI returns once they are spawned. */
  startS?: number;
  /** Until the last app was forked. */
  spawnedS?: number;
  /** The supervisor's CPU time (its daemon's whole life) when the start CLI returned. */
  startCpuS?: number;
  online?: number;
  idleCpu?: number;
  rssAnonMb?: number;
  statusS?: number;
  statusBytes?: number;
  statusCliMb?: number;
  eventsCliMb?: number;
  stopS?: number;
  /** Load average (1 min) and the share of both cores busy with anything, over the window. */
  load?: string;
  note?: string;
}

interface Ctx { dir: string; tag: string; env: NodeJS.ProcessEnv; bulwarkHome: string; pm2Home: string; notes: string[] }

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
  return report(rows, ctx.notes);
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
  const bare = variant === 'plain' ? await bareStart(ctx, n) : undefined;
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
  await sleep(WINDOW_MS);
  const wall = performance.now() - t0;
  const hostShare = hostShareSince(hostBefore);
  const hz = procClock().ticksPerSec;
  for (const peer of peers) {
    const row = rows.get(peer)!;
    const pid = pids.get(peer);
    if (pid === undefined) { row.note ??= 'no daemon pid'; continue; }
    row.idleCpu = ((ticks(pid) - before.get(peer)!) / hz / (wall / 1000)) * 100;
    row.rssAnonMb = rssAnonKb(pid) / 1024;
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

/** The floor for `start`: bench/apps/bare-start.cjs forking the same n `sleep`s, timed like the CLIs. */
async function bareStart(ctx: Ctx, n: number): Promise<Row> {
  const row: Row = { peer: 'bare', variant: 'plain', apps: n };
  const t0 = Date.now();
  const r = await execTimed(NODE, [BARE_START, String(n), String(MIN_UPTIME_MS), 'sleep', '100000'], ctx.env, 300_000);
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

function bulwarkConfig(ctx: Ctx, names: string[], variant: Variant): string {
  const extra = variant === 'limits' ? '    limits: { memory: { max: 512MB, for: 3 } }\n'
    : variant === 'heartbeats' ? '    health: { heartbeat: { timeout: 5s } }\n'
    : variant === 'tailed' ? `    logs: { tail: ["${join(ctx.dir, 'tailed')}/*.log"], format: clf }\n` : '';
  const cmd = variant === 'heartbeats' ? JSON.stringify(['bash', '-c', HEARTBEAT_SCRIPT]) : '["sleep", "100000"]';
  const file = join(ctx.dir, `scale-${variant}-${names.length}.yml`);
  writeFileSync(file, `apps:\n${names.map((n) => `  - name: ${n}\n    cmd: ${cmd}\n${extra}`).join('')}`);
  return file;
}

function pm2Config(ctx: Ctx, names: string[]): string {
  const file = join(ctx.dir, `scale-${names.length}.config.cjs`);
  const apps = names.map((name) => ({ name, script: '/bin/sleep', args: '100000', interpreter: 'none', autorestart: true }));
  writeFileSync(file, `module.exports = ${JSON.stringify({ apps })};\n`);
  return file;
}

/** Apps online (with `healthy`: and their heartbeat health ok, so the beats really arrive). */
async function onlineCount(ctx: Ctx, peer: Peer, healthy = false): Promise<number> {
  const r = await cli(ctx, peer, peer === 'bulwark' ? ['status', '--json'] : ['jlist'], 60_000);
  try {
    const list = JSON.parse(r.stdout) as { state?: string; health?: string; pm2_env?: { status?: string } }[];
    return list.filter((a) => (peer === 'bulwark' ? a.state === 'online' && (!healthy || a.health === 'ok') : a.pm2_env?.status === 'online')).length;
  } catch {
    return 0;
  }
}

function daemonPid(ctx: Ctx, peer: Peer): number | undefined {
  const file = peer === 'bulwark' ? join(ctx.bulwarkHome, 'daemon.pid') : join(ctx.pm2Home, 'pm2.pid');
  try { const n = Number(readFileSync(file, 'utf8').trim()); return n > 0 ? n : undefined; } catch { return undefined; }
}

// ---------------------------------------------------------------- report

function report(rows: Row[], notes: string[]): string {
  const pm2 = (() => { try { return (JSON.parse(readFileSync(join(ROOT, 'bench/node_modules/pm2/package.json'), 'utf8')) as { version: string }).version; } catch { return '?'; } })();
  const label: Record<Variant, string> = {
    plain: 'no limits', limits: 'memory limit on every app', heartbeats: '1 s heartbeat from every app', tailed: 'one app tailing this many idle files',
  };
  const ok = (v: number | undefined, max: number): string => (v === undefined ? '—' : v <= max ? '' : ' ✗');
  const lines = [
    `bulwark from this tree and PM2 ${pm2}, each supervising the same \`sleep\` apps at the same time; idle CPU is the`,
    `daemon's own utime+stime from /proc/<pid>/stat over a ${WINDOW_MS / 1000} s window after a ${SETTLE_MS / 1000} s settle. `
      + 'Heartbeat apps are bash loops writing the IPC message to fd 3 (PM2 has no heartbeats). '
      + `✗ marks a miss of the issue-15 target (idle ≤ ${TARGET.idle} %, limits ≤ ${TARGET.limits} %, heartbeats ≤ ${TARGET.heartbeats} %, `
      + `status ≤ ${TARGET.statusS} s, start ≤ ${TARGET.startS} s, RssAnon ≤ ${TARGET.rssAnonMb} MB). `
      + '`start` is wall time from launching the CLI: *spawned* when the last app was forked (bulwark: its last `online` event), '
      + '*survived* when the CLI returned, bulwark\'s after every app has survived `restart.minUptime` (1 s by default); PM2\'s CLI returns once '
      + 'the apps are spawned. The bare loop (bench/apps/bare-start.cjs) is the floor, run just before the supervisors: a tiny Node '
      + 'script forking the same `sleep`s with the daemon\'s stdio (stdout and stderr piped) and waiting the same minUptime.',
    '',
    '| apps | case | supervisor | online (heartbeats: and health ok) | start: spawned / survived (supervisor CPU) | idle CPU (% of a core) | daemon RssAnon | `status --json` / `jlist` | output | CLI peak RSS | `events -n 100000 --json` CLI peak RSS | stop all | load 1 min / host busy |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const peerLabel: Record<Peer, string> = { bulwark: 'bulwark', pm2: 'PM2', bare: 'bare spawn loop (floor)' };
  for (const r of rows) {
    const cpuTarget = r.variant === 'plain' ? (r.apps >= 1000 ? TARGET.idle : Infinity)
      : r.variant === 'limits' ? TARGET.limits : r.variant === 'heartbeats' ? TARGET.heartbeats : Infinity;
    const isB = r.peer === 'bulwark';
    const survived = r.peer === 'pm2' ? '—' : `${s(r.startS)}${isB ? ok(r.startS, TARGET.startS) : ''}`;
    lines.push(`| ${r.apps} | ${label[r.variant]} | ${peerLabel[r.peer]} | ${r.online ?? '—'} | ${s(r.spawnedS)} / ${survived} (${s(r.startCpuS)}) `
      + `| ${r.idleCpu?.toFixed(2) ?? '—'} %${isB ? ok(r.idleCpu, cpuTarget) : ''} | ${r.rssAnonMb?.toFixed(1) ?? '—'} MB${isB ? ok(r.rssAnonMb, TARGET.rssAnonMb) : ''} `
      + `| ${s(r.statusS)}${isB ? ok(r.statusS, TARGET.statusS) : ''} | ${r.statusBytes !== undefined ? `${(r.statusBytes / 1024).toFixed(0)} KB` : '—'} `
      + `| ${r.statusCliMb?.toFixed(0) ?? '—'} MB | ${r.eventsCliMb !== undefined ? `${r.eventsCliMb.toFixed(0)} MB` : '—'} | ${s(r.stopS)} | ${r.load ?? '—'} |${r.note ? ` ${r.note}` : ''}`);
  }
  lines.push('', ...startVerdict(rows));
  if (notes.length > 0) lines.push('', ...notes.map((n) => `- ${n}`));
  return lines.join('\n');
}

/** Start of the largest N, no limits, against the bare loop of the same run: the load-robust target. */
function startVerdict(rows: Row[]): string[] {
  const largest = Math.max(...rows.map((r) => r.apps));
  const at = (peer: Peer) => rows.find((r) => r.peer === peer && r.variant === 'plain' && r.apps === largest);
  const bw = at('bulwark'), bare = at('bare'), pm2 = at('pm2');
  const x = (a?: number, b?: number) => (a !== undefined && b ? `${(a / b).toFixed(2)}x` : 'n/a');
  const cpu = bw?.startCpuS !== undefined && bare?.startCpuS ? bw.startCpuS / bare.startCpuS : undefined;
  const met = cpu === undefined ? 'n/a' : cpu <= START_CPU_VS_BARE_MAX ? 'yes' : '**no**';
  return [
    `Start of ${largest} apps against the bare loop of this run: CPU ${x(bw?.startCpuS, bare?.startCpuS)}`
      + `${pm2 ? ` (PM2: ${x(pm2.startCpuS, bare?.startCpuS)})` : ''}; wall until survived ${x(bw?.startS, bare?.startS)}, until spawned ${x(bw?.spawnedS, bare?.spawnedS)}`
      + `${pm2 ? ` (PM2: ${x(pm2.spawnedS, bare?.spawnedS)})` : ''}. Target: supervisor CPU ≤ ${START_CPU_VS_BARE_MAX}x the bare loop's: ${met}`
      + `${cpu === undefined ? '' : ` (bulwark's CPU above the loop's: ${(((bw!.startCpuS! - bare!.startCpuS!) * 1000) / largest).toFixed(2)} ms per app, its boot included)`}.`,
  ];
}

function s(v: number | undefined): string { return v === undefined ? '—' : `${v.toFixed(2)} s`; }

// ---------------------------------------------------------------- processes and /proc

interface CliRun { code: number | null; stdout: string; stderr: string; ms: number; maxRssKb: number }

/** Runs a CLI; with `measureRss`, under /usr/bin/time for its peak RSS. */
async function cli(ctx: Ctx, peer: Peer, args: string[], timeoutMs: number, measureRss = false): Promise<CliRun> {
  const bin = peer === 'bulwark' ? BULWARK : PM2;
  const rssFile = join(ctx.dir, `rss-${randomUUID()}`);
  const [cmd, argv] = measureRss ? ['/usr/bin/time', ['-f', '%M', '-o', rssFile, NODE, bin, ...args]] : [NODE, [bin, ...args]];
  const r = await execTimed(cmd, argv, ctx.env, timeoutMs);
  let maxRssKb = 0;
  if (measureRss) { try { maxRssKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()); rmSync(rssFile); } catch { /* none */ } }
  return { ...r, maxRssKb };
}

function execTimed(cmd: string, argv: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Omit<CliRun, 'maxRssKb'>> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(cmd, argv, { env, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

async function cleanup(ctx: Ctx): Promise<void> {
  await Promise.all([cli(ctx, 'bulwark', ['kill'], 120_000), cli(ctx, 'pm2', ['kill'], 120_000)]);
  // Anything still carrying our tag was started by this run: end exactly those.
  const deadline = Date.now() + 10_000;
  let left = taggedPids(ctx.tag);
  while (left.length > 0 && Date.now() < deadline) { await sleep(250); left = taggedPids(ctx.tag); }
  for (const pid of left) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  if (left.length > 0) ctx.notes.push(`cleanup: SIGKILLed ${left.length} leftover process(es) of this run`);
  rmSync(ctx.dir, { recursive: true, force: true });
}

function taggedPids(tag: string): number[] {
  const needle = `BENCH_TAG=${tag}`;
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try { if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(needle)) out.push(Number(name)); } catch { /* gone */ }
  }
  return out;
}

function ticks(pid: number | undefined): number {
  return pid === undefined ? 0 : readProcStat(pid)?.cpuTicks ?? 0;
}

function rssAnonKb(pid: number): number {
  try { return Number(/RssAnon:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0); } catch { return 0; }
}

/** Busy and total jiffies of the whole host (/proc/stat), to record how loaded the window was. */
function hostBusy(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

function hostShareSince(before: { busy: number; total: number }): number {
  const now = hostBusy();
  return ((now.busy - before.busy) / Math.max(1, now.total - before.total)) * 100;
}

function median(xs: number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.floor((v.length - 1) / 2)] ?? Number.NaN;
}
function firstLine(t: string): string { return t.trim().split('\n')[0] ?? ''; }
