// Cluster mode: bulwark against PM2 cluster mode, side by side in one run (docs/cluster.md).
// - failed requests during 3 reloads under a steady load (4 clients, keep-alive off: every request
//   is a new connection, the case a moment without a listener shows as ECONNREFUSED), and the
//   wall time of each reload command (2 instances);
// - throughput of 2 instances vs 1 for a CPU-bound handler, and the supervisor's CPU meanwhile
//   (PM2's primary accepts every connection and passes it to a worker; bulwark's instances accept
//   on the shared socket themselves);
// - memory per instance and of the supervisor with 2 idle instances.
// `npm run bench -- cluster` re-runs this section alone; BENCH_QUICK=1 shrinks it to a smoke run.
// Every process started here carries BENCH_TAG; cleanup ends exactly those.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { procClock } from '../src/supervisor/proc-stat.js';
import { httpLoad, waitForAnswer, type LoadResult } from './http-load.js';
import { repoRoot } from './repo-root.js';
import { cpuTicks, procMem, readPid, taggedPids } from './procs.js';
import { median } from './stats.js';
import { freePort } from '../test/helpers/free-port.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../test/helpers/wait-for.js';

const ROOT = repoRoot(dirname(fileURLToPath(import.meta.url)));
const NODE = process.execPath;
const APP = join(ROOT, 'bench/apps/cluster-web.cjs');
const BIN = { bulwark: join(ROOT, 'bin/bulwark'), pm2: join(ROOT, 'bench/node_modules/pm2/bin/pm2') };
type Peer = keyof typeof BIN;
const PEERS: Peer[] = ['bulwark', 'pm2'];
const NAME: Record<Peer, string> = { bulwark: 'bulwark', pm2: 'PM2' };

const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3));
const RELOADS = 3;
const RELOAD_GAP_MS = QUICK ? 1_500 : 3_000;
const LOAD_MS = QUICK ? 5_000 : 10_000;
/** Iterations of the CPU-bound handler: some ms of work per request, so the client's own cost is small. */
const WORK = Number(process.env.BENCH_WORK ?? 3_000_000);
const IDLE_MS = QUICK ? 3_000 : 10_000;

interface Ctx { dir: string; tag: string; env: NodeJS.ProcessEnv; homes: Record<Peer, string>; notes: string[] }
interface ReloadRun { load: LoadResult; reloadMs: number[] }
interface Throughput { rps: number; failed: number; supervisorCpuMsPer1k: number; spread: number }

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-cluster-bench-'));
  const tag = randomUUID();
  const homes = { bulwark: join(dir, 'bulwark'), pm2: join(dir, 'pm2') };
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_TAG: tag, BULWARK_HOME: homes.bulwark, PM2_HOME: homes.pm2 };
  delete env.PM2_PUBLIC_KEY; delete env.PM2_SECRET_KEY;
  mkdirSync(homes.pm2, { recursive: true });
  const ctx: Ctx = { dir, tag, env, homes, notes: [] };
  const loads: string[] = [`start ${fmtLoad()}`];
  try {
    const reloads: Record<Peer, ReloadRun[]> = { bulwark: [], pm2: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const peer of r % 2 === 0 ? PEERS : [...PEERS].reverse()) reloads[peer].push(await reloadRound(ctx, peer));
    }
    loads.push(`after reloads ${fmtLoad()}`);
    // Interleaved rounds (1 and 2 instances back to back): the machine's other work varies over time.
    const tput: Record<Peer, Record<1 | 2, Throughput>[]> = { bulwark: [], pm2: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const peer of r % 2 === 0 ? PEERS : [...PEERS].reverse()) {
        const one = await throughput(ctx, peer, 1);
        tput[peer].push({ 1: one, 2: await throughput(ctx, peer, 2) });
      }
    }
    loads.push(`after throughput ${fmtLoad()}`);
    const mem = { bulwark: await memory(ctx, 'bulwark'), pm2: await memory(ctx, 'pm2') };
    loads.push(`end ${fmtLoad()}`);
    return report(ctx, reloads, tput, mem, loads);
  } finally {
    await cleanup(ctx);
  }
}

// ---------------------------------------------------------------- the two supervisors

async function startApp(ctx: Ctx, peer: Peer, port: number, instances: number, work = 0): Promise<void> {
  const env = { PORT: String(port), WORK: String(work) };
  if (peer === 'bulwark') {
    const file = join(ctx.dir, `web-${port}.yml`);
    writeFileSync(file, `apps:\n  - name: web\n    script: ${JSON.stringify(APP)}\n    instances: ${instances}\n    env: ${JSON.stringify(env)}\n`);
    must(await cli(ctx, peer, ['start', file]), 'bulwark start');
  } else {
    const file = join(ctx.dir, `web-${port}.json`);
    writeFileSync(file, JSON.stringify({ apps: [{ name: 'web', script: APP, instances, exec_mode: 'cluster', env }] }));
    must(await cli(ctx, peer, ['start', file]), 'pm2 start');
  }
  await waitForAnswer(port, 60_000);
  // Both instances serve before anything is measured.
  await waitFor(`${instances} ${peer} instances`, async () => (await appPids(ctx, peer)).length === instances, 30_000, 200);
}

async function stopApp(ctx: Ctx, peer: Peer): Promise<void> {
  must(await cli(ctx, peer, ['delete', peer === 'bulwark' ? 'web' : 'all']), `${peer} delete`);
}

async function appPids(ctx: Ctx, peer: Peer): Promise<number[]> {
  if (peer === 'bulwark') {
    const r = await cli(ctx, peer, ['status', '--json']);
    const rows = JSON.parse(r.stdout || '[]') as { state: string; pid: number | null }[];
    return rows.filter((x) => x.state === 'online' && x.pid !== null).map((x) => x.pid!);
  }
  const r = await cli(ctx, peer, ['jlist']);
  const rows = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')) || '[]') as { pid: number; pm2_env: { status: string } }[];
  return rows.filter((x) => x.pm2_env.status === 'online' && x.pid > 0).map((x) => x.pid);
}

function supervisorPid(ctx: Ctx, peer: Peer): number | undefined {
  return readPid(join(ctx.homes[peer], peer === 'bulwark' ? 'daemon.pid' : 'pm2.pid'));
}

// ---------------------------------------------------------------- measurements

async function reloadRound(ctx: Ctx, peer: Peer): Promise<ReloadRun> {
  const port = await freePort();
  await startApp(ctx, peer, port, 2);
  const load = httpLoad(port, { concurrency: 4, timeoutMs: 10_000 });
  const reloadMs: number[] = [];
  try {
    await sleep(RELOAD_GAP_MS);
    for (let i = 0; i < RELOADS; i++) {
      const r = await cli(ctx, peer, ['reload', 'web']);
      must(r, `${peer} reload`);
      reloadMs.push(r.ms);
      await sleep(RELOAD_GAP_MS);
    }
  } finally {
    await load.stop(); // also when a reload failed: the load must not outlive the round
  }
  const result = await load.stop();
  await stopApp(ctx, peer);
  return { load: result, reloadMs };
}

async function throughput(ctx: Ctx, peer: Peer, instances: 1 | 2): Promise<Throughput> {
  const port = await freePort();
  await startApp(ctx, peer, port, instances, WORK);
  const sup = supervisorPid(ctx, peer);
  await sleep(1_000);
  const before = sup ? cpuTicks([sup]) : 0;
  const load = httpLoad(port, { concurrency: 8, timeoutMs: 30_000 });
  await sleep(LOAD_MS);
  const r = await load.stop();
  const ticks = sup ? cpuTicks([sup]) - before : 0;
  await stopApp(ctx, peer);
  const counts = [...r.byPid.values()];
  return {
    rps: (r.ok / r.ms) * 1000,
    failed: r.failed,
    supervisorCpuMsPer1k: r.ok > 0 ? ((ticks * 1000) / procClock().ticksPerSec) / (r.ok / 1000) : NaN,
    spread: counts.length > 1 ? Math.min(...counts) / Math.max(...counts) : 1,
  };
}

interface Memory { supervisorRss: number; supervisorAnon: number; instanceRss: number; instanceAnon: number; idleCpuPct: number }

async function memory(ctx: Ctx, peer: Peer): Promise<Memory> {
  const port = await freePort();
  await startApp(ctx, peer, port, 2);
  await sleep(IDLE_MS / 2);
  const sup = supervisorPid(ctx, peer)!;
  const t0 = cpuTicks([sup]);
  await sleep(IDLE_MS);
  const idleCpuPct = (((cpuTicks([sup]) - t0) / procClock().ticksPerSec) * 1000 / IDLE_MS) * 100;
  const pids = await appPids(ctx, peer);
  const inst = pids.map(procMem);
  const s = procMem(sup);
  await stopApp(ctx, peer);
  return {
    supervisorRss: s.rss, supervisorAnon: s.anon, idleCpuPct,
    instanceRss: inst.reduce((a, m) => a + m.rss, 0) / inst.length, instanceAnon: inst.reduce((a, m) => a + m.anon, 0) / inst.length,
  };
}

// ---------------------------------------------------------------- report

function report(ctx: Ctx, reloads: Record<Peer, ReloadRun[]>, tput: Record<Peer, Record<1 | 2, Throughput>[]>, mem: Record<Peer, Memory>, loads: string[]): string {
  const pm2v = (JSON.parse(readFileSync(join(ROOT, 'bench/node_modules/pm2/package.json'), 'utf8')) as { version: string }).version;
  const out = [
    `Peers: PM2 ${pm2v} (cluster mode), bulwark from this tree. A plain Node HTTP app (bench/apps/cluster-web.cjs), 2 instances unless said.`,
    `Load average (1/5/15 min): ${loads.join('; ')}; bench niceness ${getPriority()} (inherited by both daemons and their apps).`, '',
    `### Failed requests during ${RELOADS} reloads under load (4 clients, keep-alive off, reloads ${RELOAD_GAP_MS / 1000} s apart), ${ROUNDS} round(s)`, '',
    '| supervisor | failed / requests, per round | failure kinds | reload wall time (CLI), median | per reload |', '|---|---|---|---|---|',
  ];
  for (const p of PEERS) {
    const rs = reloads[p];
    const kinds: Record<string, number> = {};
    for (const r of rs) for (const [k, v] of Object.entries(r.load.errors)) kinds[k] = (kinds[k] ?? 0) + v;
    const all = rs.flatMap((r) => r.reloadMs);
    out.push(`| ${NAME[p]} | ${rs.map((r) => `${r.load.failed} / ${r.load.ok + r.load.failed}`).join(', ')} | ${Object.entries(kinds).map(([k, v]) => `${k}: ${v}`).join(', ') || '—'} | ${ms(median(all))} | ${all.map(ms).join(', ')} |`);
  }
  out.push('', `### Throughput, CPU-bound handler (${WORK.toLocaleString('en')} iterations a request), 8 clients, keep-alive off, ${LOAD_MS / 1000} s each, ${ROUNDS} interleaved round(s)`, '',
    '| supervisor | 1 instance, req/s | 2 instances, req/s | 2 vs 1, per round | 2 vs 1, median | failed | supervisor CPU per 1000 requests (2 instances) | share of the less busy instance |', '|---|---|---|---|---|---|---|---|');
  const ratios = (p: Peer) => tput[p].map((t) => t[2].rps / t[1].rps);
  for (const p of PEERS) {
    const ts = tput[p];
    const col = (f: (t: Record<1 | 2, Throughput>) => string) => ts.map(f).join(', ');
    out.push(`| ${NAME[p]} | ${col((t) => t[1].rps.toFixed(0))} | ${col((t) => t[2].rps.toFixed(0))} | ${ratios(p).map((x) => `${x.toFixed(2)}x`).join(', ')} | ${median(ratios(p)).toFixed(2)}x | ${ts.reduce((a, t) => a + t[1].failed + t[2].failed, 0)} | ${col((t) => `${t[2].supervisorCpuMsPer1k.toFixed(0)} ms`)} | ${col((t) => t[2].spread.toFixed(2))} |`);
  }
  out.push('', `### 2 idle instances: memory and supervisor CPU over ${IDLE_MS / 1000} s`, '',
    '| supervisor | supervisor VmRSS | supervisor RssAnon | per instance VmRSS | per instance RssAnon | supervisor idle CPU (% of one core) |', '|---|---|---|---|---|---|');
  for (const p of PEERS) {
    const m = mem[p];
    out.push(`| ${NAME[p]} | ${mb(m.supervisorRss)} | ${mb(m.supervisorAnon)} | ${mb(m.instanceRss)} | ${mb(m.instanceAnon)} | ${m.idleCpuPct.toFixed(2)} % |`);
  }
  const failed = (p: Peer) => reloads[p].reduce((a, r) => a + r.load.failed, 0);
  const ratio = median(ratios('bulwark'));
  const reloadRatio = median(reloads.bulwark.flatMap((r) => r.reloadMs)) / median(reloads.pm2.flatMap((r) => r.reloadMs));
  out.push('', '### Targets', '', '| target | value | met? |', '|---|---|---|',
    `| failed requests during reloads: bulwark = 0 (PM2: ${failed('pm2')}) | ${failed('bulwark')} | ${failed('bulwark') === 0 ? 'yes' : '**no**'} |`,
    `| time per reload of 2 instances: bulwark / PM2 | ${reloadRatio.toFixed(2)}x | ${reloadRatio <= 1 ? 'yes' : '**no**'} |`,
    `| throughput 2 vs 1 instance, CPU-bound, bulwark >= 1.7x (PM2: ${median(ratios('pm2')).toFixed(2)}x) | ${ratio.toFixed(2)}x | ${ratio >= 1.7 ? 'yes' : '**no** (see the load average: the cores are shared)'} |`,
    `| memory per instance: bulwark / PM2 <= 1 | ${(mem.bulwark.instanceRss / mem.pm2.instanceRss).toFixed(2)}x | ${mem.bulwark.instanceRss <= mem.pm2.instanceRss ? 'yes' : '**no**'} |`);
  if (ctx.notes.length > 0) out.push('', ...ctx.notes.map((n) => `- ${n}`));
  return out.join('\n');
}

// ---------------------------------------------------------------- helpers

interface CliRun { code: number | null; stdout: string; stderr: string; ms: number }

function cli(ctx: Ctx, peer: Peer, args: string[]): Promise<CliRun> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(NODE, [BIN[peer], ...args], { env: ctx.env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

function must(r: CliRun, what: string): void {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
}

async function cleanup(ctx: Ctx): Promise<void> {
  await Promise.all(PEERS.map((p) => cli(ctx, p, ['kill']).catch(() => undefined)));
  const deadline = Date.now() + 5_000;
  let left = taggedPids(ctx.tag);
  while (left.length > 0 && Date.now() < deadline) { await sleep(200); left = taggedPids(ctx.tag); }
  for (const pid of left) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  rmSync(ctx.dir, { recursive: true, force: true });
}


function ms(n: number): string { return Number.isNaN(n) ? '—' : `${Math.round(n)} ms`; }
function mb(kb: number): string { return `${(kb / 1024).toFixed(1)} MB`; }
function fmtLoad(): string { return loadavg().map((x) => x.toFixed(2)).join(' / '); }
