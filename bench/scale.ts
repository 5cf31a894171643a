// Scale: bulwark and PM2 supervising the same N `sleep` apps at once, so only the supervisors' own
// cost shows, measured over the same window (machine noise hits both alike). Then bulwark alone at
// the largest N with memory limits on every app, and with every app sending 1 s heartbeats.
// One command: `npm run bench -- scale` (knobs: SCALE_SIZES=20,200,1000, SCALE_WINDOW_S=60,
// SCALE_SETTLE_S=10, SCALE_PEERS=bulwark,pm2, SCALE_CASES=plain,limits,heartbeats,tailed to run only some). Method: docs/operating.md "How many apps, files and lines one daemon carries".
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
const PM2 = join(ROOT, 'bench/node_modules/pm2/bin/pm2');
const SIZES = (process.env.SCALE_SIZES ?? '20,200,1000').split(',').map(Number).filter((n) => n > 0);
const WINDOW_MS = Number(process.env.SCALE_WINDOW_S ?? 60) * 1000;
const SETTLE_MS = Number(process.env.SCALE_SETTLE_S ?? 10) * 1000;
const PEERS = (process.env.SCALE_PEERS ?? 'bulwark,pm2').split(',') as Peer[];
const CASES = (process.env.SCALE_CASES ?? 'plain,limits,heartbeats,tailed').split(',') as Variant[];
const CLI_RUNS = 5;
/** The targets of issue 15, for the verdict column. */
const TARGET = { idle: 0.3, limits: 1, heartbeats: 5, statusS: 0.3, startS: 4, rssAnonMb: 40 };
/** A heartbeat app without a fork per beat: bash writes the IPC message to fd 3 and waits 1 s on it. */
const HEARTBEAT_SCRIPT = 'while :; do printf \'{"bulwark":"heartbeat"}\\n\' >&3 || exit 1; read -t 1 -u 3; done';

type Peer = 'bulwark' | 'pm2';
type Variant = 'plain' | 'limits' | 'heartbeats' | 'tailed';

interface Row {
  peer: Peer;
  variant: Variant;
  apps: number;
  startS?: number;
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
  for (const peer of peers) {
    const row = rows.get(peer)!;
    const file = peer === 'bulwark' ? bulwarkConfig(ctx, names, variant) : pm2Config(ctx, names);
    const r = await cli(ctx, peer, ['start', file], 300_000);
    row.startS = r.ms / 1000;
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
  const status: Record<Peer, number[]> = { bulwark: [], pm2: [] };
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
  }

  for (const peer of peers) {
    const r = await cli(ctx, peer, ['stop', 'all'], 300_000);
    rows.get(peer)!.stopS = r.ms / 1000;
    await cli(ctx, peer, ['delete', 'all'], 300_000);
    // A fresh daemon for the next case: its RssAnon is then that case's alone.
    await cli(ctx, peer, ['kill'], 120_000);
  }
  return [...rows.values()];
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
      + '`start` is the CLI\'s wall time: bulwark\'s includes starting the daemon and waiting until every app has survived '
      + '`restart.minUptime` (1 s by default), PM2\'s ends once the apps are spawned.',
    '',
    '| apps | case | supervisor | online (heartbeats: and health ok) | start | idle CPU (% of a core) | daemon RssAnon | `status --json` / `jlist` | output | CLI peak RSS | `events -n 100000 --json` CLI peak RSS | stop all | load 1 min / host busy |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const cpuTarget = r.variant === 'plain' ? (r.apps >= 1000 ? TARGET.idle : Infinity)
      : r.variant === 'limits' ? TARGET.limits : r.variant === 'heartbeats' ? TARGET.heartbeats : Infinity;
    const isB = r.peer === 'bulwark';
    lines.push(`| ${r.apps} | ${label[r.variant]} | ${isB ? 'bulwark' : 'PM2'} | ${r.online ?? '—'} | ${s(r.startS)}${isB ? ok(r.startS, TARGET.startS) : ''} `
      + `| ${r.idleCpu?.toFixed(2) ?? '—'} %${isB ? ok(r.idleCpu, cpuTarget) : ''} | ${r.rssAnonMb?.toFixed(1) ?? '—'} MB${isB ? ok(r.rssAnonMb, TARGET.rssAnonMb) : ''} `
      + `| ${s(r.statusS)}${isB ? ok(r.statusS, TARGET.statusS) : ''} | ${r.statusBytes !== undefined ? `${(r.statusBytes / 1024).toFixed(0)} KB` : '—'} `
      + `| ${r.statusCliMb?.toFixed(0) ?? '—'} MB | ${r.eventsCliMb !== undefined ? `${r.eventsCliMb.toFixed(0)} MB` : '—'} | ${s(r.stopS)} | ${r.load ?? '—'} |${r.note ? ` ${r.note}` : ''}`);
  }
  if (notes.length > 0) lines.push('', ...notes.map((n) => `- ${n}`));
  return lines.join('\n');
}

function s(v: number | undefined): string { return v === undefined ? '—' : `${v.toFixed(2)} s`; }

// ---------------------------------------------------------------- processes and /proc

interface CliRun { code: number | null; stdout: string; stderr: string; ms: number; maxRssKb: number }

/** Runs a CLI; with `measureRss`, under /usr/bin/time for its peak RSS. */
function cli(ctx: Ctx, peer: Peer, args: string[], timeoutMs: number, measureRss = false): Promise<CliRun> {
  const bin = peer === 'bulwark' ? BULWARK : PM2;
  const rssFile = join(ctx.dir, `rss-${randomUUID()}`);
  const [cmd, argv] = measureRss ? ['/usr/bin/time', ['-f', '%M', '-o', rssFile, NODE, bin, ...args]] : [NODE, [bin, ...args]];
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(cmd, argv, { env: ctx.env, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const ms = performance.now() - t0;
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      let maxRssKb = 0;
      if (measureRss) { try { maxRssKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()); rmSync(rssFile); } catch { /* none */ } }
      resolve({ code, stdout, stderr, ms, maxRssKb });
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
