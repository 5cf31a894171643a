// The race: bulwark against PM2, forever and a bare child_process.spawn loop, side by side in one
// run on one machine (method: docs/operating.md "The race"; research/supervisors.md §3).
// Every process started here carries BENCH_TAG in its environment; cleanup ends exactly those.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { procClock, readProcStat } from '../src/supervisor/proc-stat.js';
import { repoRoot } from './repo-root.js';

const ROOT = repoRoot(import.meta.dirname);
const APPS = join(ROOT, 'bench/apps');
const NODE = process.execPath;
// The peers are the bench's own dependencies (bench/package.json), not bulwark's.
const PM2 = join(ROOT, 'bench/node_modules/pm2/bin/pm2');
const FOREVER = join(ROOT, 'bench/node_modules/forever/bin/forever');
const BULWARK = join(ROOT, 'bin/bulwark');

// Sizes chosen to keep the whole section near 7 minutes on 2 busy cores. BENCH_QUICK=1 shrinks
// everything for a smoke run (numbers then mean little).
const QUICK = process.env.BENCH_QUICK === '1';
// The restart gap: ROUNDS paired rounds (restartGaps), 220 gaps each of the bare loop and bulwark.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 11));
/** Restarts per block; a round has two blocks each of the bare loop and bulwark (restartGaps). */
const RESTARTS_PER_RUN = Number(process.env.BENCH_RESTARTS ?? (QUICK ? 5 : 10));
const IDLE_APPS = 20;
const SETTLE_MS = QUICK ? 3_000 : 15_000;
const CPU_WINDOW_MS = QUICK ? 5_000 : 30_000;
const CLI_RUNS = QUICK ? 2 : 5;
const HANG_WINDOW_MS = QUICK ? 6_000 : 10_000;
/** BENCH_SUPERVISORS_PARTS=gap (a comma list of gap, resources, hang) runs only those parts; default all. */
const PARTS = new Set((process.env.BENCH_SUPERVISORS_PARTS ?? 'gap,resources,hang').split(',').map((p) => p.trim()));
/** BENCH_SUPERVISORS_PEERS=bare,bulwark leaves the other peers out (a quicker look at one pair); default all. */
const ONLY_PEERS = process.env.BENCH_SUPERVISORS_PEERS?.split(',').map((p) => p.trim());
/**
 * Issue 16 point 10 (gap <= 1.05x the bare loop's) with the boot taken out: what bulwark may add to
 * a restart's reaction (exit -> new process start), as a share of the bare loop's gap in the same run.
 */
const REACTION_OVER_BARE_MAX = 0.05;

type Peer = 'bare' | 'bulwark' | 'pm2' | 'forever';

interface Ctx {
  dir: string;
  tag: string;
  env: NodeJS.ProcessEnv;
  bulwarkHome: string;
  pm2Home: string;
  foreverRoot: string;
  bulwark: { ok: true } | { ok: false; why: string };
  bareLoops: ChildProcess[];
  notes: string[];
}

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-race-'));
  const tag = randomUUID();
  const ctx: Ctx = {
    dir, tag,
    env: { ...process.env, BENCH_TAG: tag, BULWARK_HOME: join(dir, 'bulwark'), PM2_HOME: join(dir, 'pm2'), FOREVER_ROOT: join(dir, 'forever') },
    bulwarkHome: join(dir, 'bulwark'), pm2Home: join(dir, 'pm2'), foreverRoot: join(dir, 'forever'),
    bulwark: { ok: false, why: 'not probed' }, bareLoops: [], notes: [],
  };
  // PM2 must not pick up a user's PM2 Plus keys or daemon; forever must not read ~/.forever.
  delete ctx.env.PM2_PUBLIC_KEY; delete ctx.env.PM2_SECRET_KEY;
  for (const d of [ctx.pm2Home, ctx.foreverRoot]) mkdirSync(d, { recursive: true });
  try {
    ctx.bulwark = await probeBulwark(ctx);
    const gaps = PARTS.has('gap') ? await restartGaps(ctx) : undefined;
    const res = PARTS.has('resources') ? await resources(ctx) : undefined;
    const hang = PARTS.has('hang') ? await hangs(ctx) : undefined;
    return report(ctx, gaps, res, hang);
  } finally {
    await cleanup(ctx);
  }
}

// ---------------------------------------------------------------- restart gap

interface GapResult {
  gaps: Record<Peer, number[]>; roundMedians: Record<Peer, number[]>; bootMs: Record<Peer, number[]>; supervisorCpuMs: Record<Peer, number[]>;
  /** Per round: bulwark's median gap / the bare loop's, both from the same round's paired blocks. */
  roundRatios: number[];
}

/**
 * The paired method (issue 16 point 10: gap <= 1.05x the bare loop's, in every run). The gap is
 * mostly the app's own boot, which stretches with the host's load from one minute to the next; a
 * ratio of two medians taken minutes apart measures the load as much as the supervisor. So each
 * round runs the bare loop and bulwark as A B B A blocks of RESTARTS_PER_RUN restarts, back to back
 * (a drift of the load within the round hits both alike), and takes the ratio of their medians in
 * that round; the verdict is the median of the rounds' ratios, so one noisy round cannot decide it.
 * PM2 and forever run once per round after the pair.
 */
async function restartGaps(ctx: Ctx): Promise<GapResult> {
  const peers = activePeers(ctx);
  const paired: Peer[] = peers.includes('bulwark') && peers.includes('bare') ? ['bare', 'bulwark', 'bulwark', 'bare'] : peers.filter((p) => p === 'bare' || p === 'bulwark');
  const order = [...paired, ...peers.filter((p) => p !== 'bare' && p !== 'bulwark')];
  const r: GapResult = { gaps: empty(), roundMedians: empty(), bootMs: empty(), supervisorCpuMs: empty(), roundRatios: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const inRound = empty();
    for (const [block, peer] of order.entries()) {
      const file = join(ctx.dir, `gap-${peer}-${round}-${block}.log`);
      writeFileSync(file, '');
      const name = `crash-${peer}-${round}-${block}`;
      try {
        await startCrashApp(ctx, peer, name, file);
        await waitFor(() => countStarts(file) > RESTARTS_PER_RUN, 60_000, `${peer} to restart the crash app ${RESTARTS_PER_RUN} times`);
      } catch (err) {
        ctx.notes.push(`restart gap, ${peer}, round ${round + 1}: ${(err as Error).message}`);
      } finally {
        await stopCrashApp(ctx, peer, name);
      }
      const { gaps, boots, supervisorCpu } = parseGaps(readFileSync(file, 'utf8'), RESTARTS_PER_RUN);
      inRound[peer].push(...gaps);
      r.gaps[peer].push(...gaps);
      r.bootMs[peer].push(...boots);
      r.supervisorCpuMs[peer].push(...supervisorCpu);
    }
    for (const peer of peers) r.roundMedians[peer].push(median(inRound[peer]));
    const ratioOfRound = ratio(median(inRound.bulwark), median(inRound.bare));
    if (ratioOfRound !== undefined) r.roundRatios.push(ratioOfRound);
  }
  return r;
}

async function startCrashApp(ctx: Ctx, peer: Peer, name: string, file: string): Promise<void> {
  const env = { ...ctx.env, TS_FILE: file };
  const script = join(APPS, 'crash.cjs');
  switch (peer) {
    case 'bare': {
      const child = spawn(NODE, [join(APPS, 'bare-loop.cjs'), script], { env, stdio: 'ignore' });
      ctx.bareLoops.push(child);
      return;
    }
    case 'bulwark': {
      const cfg = join(ctx.dir, `${name}.yml`);
      writeFileSync(cfg, [
        'apps:', `  - name: ${name}`, `    script: ${script}`, `    env: { TS_FILE: "${file}" }`,
        '    restart: { policy: always, backoff: { initial: 0ms, max: 1s, factor: 1, jitter: 0 }, minUptime: 100ms, maxRestarts: 1000 }',
        '',
      ].join('\n'));
      return must(await cli(ctx, 'bulwark', ['start', cfg]), 'bulwark start');
    }
    case 'pm2': {
      const eco = join(ctx.dir, `${name}.config.cjs`);
      writeFileSync(eco, `module.exports = ${JSON.stringify({ apps: [{ name, script, restart_delay: 0, max_restarts: 1000, env: { TS_FILE: file } }] })};\n`);
      return must(await cli(ctx, 'pm2', ['start', eco]), 'pm2 start');
    }
    case 'forever':
      // --minUptime 100: a 200 ms run is not "spinning", so forever restarts at once (its CLI
      // default gives up after the first fast crash).
      return must(await cli(ctx, 'forever', ['start', '-a', '--uid', name, '--minUptime', '100', script], { TS_FILE: file }), 'forever start');
  }
}

async function stopCrashApp(ctx: Ctx, peer: Peer, name: string): Promise<void> {
  switch (peer) {
    case 'bare': {
      const child = ctx.bareLoops.pop();
      if (child?.pid) { killGroupOf(child.pid); await exited(child); }
      return;
    }
    case 'bulwark': await cli(ctx, 'bulwark', ['delete', name]); return;
    case 'pm2': await cli(ctx, 'pm2', ['delete', name]); return;
    case 'forever': await cli(ctx, 'forever', ['stop', name]); return;
  }
}

function countStarts(file: string): number {
  let n = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) if (line.startsWith('start ')) n++;
  return n;
}

/**
 * The first `limit` gaps: exit -> next start (ms), the boot part (process origin -> first line),
 * and the CPU the supervisor's main thread used meanwhile (where both lines name the same parent).
 */
export function parseGaps(text: string, limit: number): { gaps: number[]; boots: number[]; supervisorCpu: number[] } {
  const gaps: number[] = [];
  const boots: number[] = [];
  const supervisorCpu: number[] = [];
  let lastExit: { at: number; parent?: string; cpu: number } | undefined;
  for (const line of text.split('\n')) {
    const [kind, at, origin, , parent, cpu] = line.split(' ');
    if (kind === 'exit') lastExit = { at: Number(at), ...(parent !== undefined ? { parent } : {}), cpu: Number(cpu) };
    else if (kind === 'start') {
      if (lastExit !== undefined && gaps.length < limit) {
        gaps.push(Number(at) - lastExit.at);
        boots.push(Number(at) - Number(origin));
        const used = Number(cpu) - lastExit.cpu;
        if (parent !== undefined && parent === lastExit.parent && Number.isFinite(used)) supervisorCpu.push(used);
      }
      lastExit = undefined;
    }
  }
  return { gaps, boots, supervisorCpu };
}

// ---------------------------------------------------------------- resources with 20 idle apps

interface Usage { supervisors: number; daemonRss: number; daemonAnon: number; totalRss: number; totalAnon: number; procs: number; cpuPct?: number }
interface ResourceResult { usage: Partial<Record<Peer, Usage>>; cli: Record<string, { medianMs: number; bytes: number }> }

async function resources(ctx: Ctx): Promise<ResourceResult> {
  const peers = activePeers(ctx);
  const idle = join(APPS, 'idle.cjs');
  const names = Array.from({ length: IDLE_APPS }, (_, i) => `idle${i}`);
  for (const peer of peers) {
    try {
      if (peer === 'bare') ctx.bareLoops.push(spawn(NODE, [join(APPS, 'bare-loop.cjs'), idle, String(IDLE_APPS)], { env: ctx.env, stdio: 'ignore' }));
      if (peer === 'bulwark') {
        const cfg = join(ctx.dir, 'idle.yml');
        writeFileSync(cfg, `apps:\n${names.map((n) => `  - name: ${n}\n    script: ${idle}\n`).join('')}`);
        must(await cli(ctx, 'bulwark', ['start', cfg]), 'bulwark start');
      }
      if (peer === 'pm2') {
        const eco = join(ctx.dir, 'idle.config.cjs');
        writeFileSync(eco, `module.exports = ${JSON.stringify({ apps: names.map((name) => ({ name, script: idle })) })};\n`);
        must(await cli(ctx, 'pm2', ['start', eco]), 'pm2 start');
      }
      if (peer === 'forever') {
        for (let i = 0; i < names.length; i += 4) {
          await Promise.all(names.slice(i, i + 4).map(async (n) => must(await cli(ctx, 'forever', ['start', '-a', '--uid', n, idle]), 'forever start')));
        }
      }
    } catch (err) {
      ctx.notes.push(`20 idle apps, ${peer}: ${(err as Error).message}`);
    }
  }
  await sleep(SETTLE_MS); // let every supervisor finish its start-up work, as in the research method

  const usage: Partial<Record<Peer, Usage>> = {};
  const roots = supervisorPids(ctx);
  const cpuBefore: Partial<Record<Peer, number>> = {};
  for (const peer of peers) {
    const pids = roots[peer] ?? [];
    if (pids.length === 0) continue;
    usage[peer] = memory(pids);
    cpuBefore[peer] = cpuTicks(pids);
  }
  const t0 = performance.now();
  await sleep(CPU_WINDOW_MS);
  const wall = performance.now() - t0;
  const hz = procClock().ticksPerSec;
  for (const peer of peers) {
    const u = usage[peer];
    if (!u) continue;
    u.cpuPct = (((cpuTicks(roots[peer]!) - cpuBefore[peer]!) / hz) * 1000 / wall) * 100;
  }

  // CLI latency with 20 apps, interleaved so machine noise hits every command alike.
  const cmds: Record<string, () => Promise<CliRun>> = { 'node -e 0': () => timed(NODE, ['-e', '0'], ctx.env) };
  if (ctx.bulwark.ok) cmds['bulwark status --json'] = () => cli(ctx, 'bulwark', ['status', '--json']);
  cmds['pm2 jlist'] = () => cli(ctx, 'pm2', ['jlist']);
  cmds['forever list'] = () => cli(ctx, 'forever', ['list']);
  const times: Record<string, number[]> = {};
  const bytes: Record<string, number> = {};
  for (let i = 0; i < CLI_RUNS; i++) {
    for (const [label, fn] of Object.entries(cmds)) {
      const r = await fn();
      if (r.code !== 0) ctx.notes.push(`${label} exited ${r.code}: ${r.stderr.split('\n')[0]}`);
      (times[label] ??= []).push(r.ms);
      bytes[label] = Buffer.byteLength(r.stdout);
    }
  }
  const cliResult: ResourceResult['cli'] = {};
  for (const label of Object.keys(cmds)) cliResult[label] = { medianMs: median(times[label]!), bytes: bytes[label]! };

  // Tear the idle apps down before the hang test so they do not share its CPU.
  if (ctx.bulwark.ok) await cli(ctx, 'bulwark', ['delete', 'all']);
  await cli(ctx, 'pm2', ['delete', 'all']);
  await cli(ctx, 'forever', ['stopall']);
  for (const child of ctx.bareLoops.splice(0)) { if (child.pid) killGroupOf(child.pid); await exited(child); }
  return { usage, cli: cliResult };
}

/** The supervisor processes of each peer (daemon, or forever's per-app monitors). */
function supervisorPids(ctx: Ctx): Partial<Record<Peer, number[]>> {
  const out: Partial<Record<Peer, number[]>> = {};
  const bare = ctx.bareLoops.find((c) => c.pid !== undefined)?.pid;
  if (bare) out.bare = [bare];
  const bw = readPid(join(ctx.bulwarkHome, 'daemon.pid'));
  if (bw) out.bulwark = [bw];
  const pm2 = readPid(join(ctx.pm2Home, 'pm2.pid'));
  if (pm2) out.pm2 = [pm2];
  out.forever = taggedPids(ctx.tag).filter((pid) => cmdline(pid).some((a) => a.endsWith('forever/bin/monitor')));
  return out;
}

function memory(supervisors: number[]): Usage {
  const tree = descendants(supervisors);
  let daemonRss = 0; let daemonAnon = 0; let totalRss = 0; let totalAnon = 0;
  for (const pid of supervisors) { const m = procMem(pid); daemonRss += m.rss; daemonAnon += m.anon; }
  for (const pid of tree) { const m = procMem(pid); totalRss += m.rss; totalAnon += m.anon; }
  return { supervisors: supervisors.length, daemonRss, daemonAnon, totalRss, totalAnon, procs: tree.length };
}

// ---------------------------------------------------------------- hang (busy loop)

interface HangResult { bulwark?: { restarted: boolean; afterLastBeatMs?: number }; pm2?: HangPeer; forever?: HangPeer; windowMs: number }
interface HangPeer { restarted: boolean; starts: number }

async function hangs(ctx: Ctx): Promise<HangResult> {
  const script = join(APPS, 'busy.cjs');
  const result: HangResult = { windowMs: HANG_WINDOW_MS };
  if (ctx.bulwark.ok) {
    // Alone, so its timing is not disturbed by the peers' busy loops.
    const file = join(ctx.dir, 'busy-bulwark.log');
    writeFileSync(file, '');
    const cfg = join(ctx.dir, 'busy.yml');
    writeFileSync(cfg, [
      'apps:', '  - name: busy', `    script: ${script}`, `    env: { TS_FILE: "${file}" }`,
      '    health: { heartbeat: { timeout: 2s } }',
      '    limits: { cpu: { max: 90%, for: 2s }, sampleEvery: 1s }',
      '    stop: { timeout: 1s }', '    restart: { backoff: { initial: 0ms } }', '',
    ].join('\n'));
    try {
      must(await cli(ctx, 'bulwark', ['start', cfg]), 'bulwark start');
      await waitFor(() => countStarts(file) >= 2, HANG_WINDOW_MS, 'bulwark to restart the hung app').catch(() => undefined);
      result.bulwark = hangVerdict(readFileSync(file, 'utf8'));
    } catch (err) {
      ctx.notes.push(`hang, bulwark: ${(err as Error).message}`);
    } finally {
      await cli(ctx, 'bulwark', ['delete', 'busy']);
    }
  }
  const pm2File = join(ctx.dir, 'busy-pm2.log');
  const foreverFile = join(ctx.dir, 'busy-forever.log');
  writeFileSync(pm2File, ''); writeFileSync(foreverFile, '');
  const eco = join(ctx.dir, 'busy.config.cjs');
  writeFileSync(eco, `module.exports = ${JSON.stringify({ apps: [{ name: 'busy', script, env: { TS_FILE: pm2File } }] })};\n`);
  try {
    // PM2 and forever with their defaults, at the same time: neither has a hang detector to time.
    await Promise.all([
      cli(ctx, 'pm2', ['start', eco]).then((r) => must(r, 'pm2 start')),
      cli(ctx, 'forever', ['start', '-a', '--uid', 'busy', script], { TS_FILE: foreverFile }).then((r) => must(r, 'forever start')),
    ]);
    await sleep(HANG_WINDOW_MS);
    result.pm2 = { starts: countStarts(pm2File), restarted: countStarts(pm2File) > 1 };
    result.forever = { starts: countStarts(foreverFile), restarted: countStarts(foreverFile) > 1 };
  } catch (err) {
    ctx.notes.push(`hang, peers: ${(err as Error).message}`);
  } finally {
    await cli(ctx, 'pm2', ['delete', 'busy']);
    await cli(ctx, 'forever', ['stop', 'busy']);
  }
  return result;
}

/** Restarted, and how long after the hung run's last heartbeat the next run started. */
export function hangVerdict(text: string): { restarted: boolean; afterLastBeatMs?: number } {
  let lastBeat: number | undefined;
  let starts = 0;
  for (const line of text.split('\n')) {
    const [kind, at] = line.split(' ');
    if (kind === 'start') {
      starts++;
      if (starts === 2) return { restarted: true, afterLastBeatMs: lastBeat === undefined ? undefined : Number(at) - lastBeat };
    } else if (kind === 'beat') lastBeat = Number(at);
  }
  return { restarted: false };
}

// ---------------------------------------------------------------- bulwark availability

async function probeBulwark(ctx: Ctx): Promise<Ctx['bulwark']> {
  if (!existsSync(join(ROOT, 'dist/src/cli/main.js'))) return { ok: false, why: 'dist/src/cli/main.js is missing (npm run build)' };
  const cfg = join(ctx.dir, 'probe.yml');
  writeFileSync(cfg, `apps:\n  - name: probe\n    script: ${join(APPS, 'idle.cjs')}\n`);
  const started = await cli(ctx, 'bulwark', ['start', cfg]);
  if (started.code !== 0) return { ok: false, why: `\`bulwark start\` exited ${started.code}: ${firstLine(started.stderr || started.stdout)}` };
  try {
    await waitFor(async () => {
      const s = await cli(ctx, 'bulwark', ['status', '--json']);
      return s.code === 0 && (JSON.parse(s.stdout) as { name: string; state: string }[]).some((a) => a.name === 'probe' && a.state === 'online');
    }, 15_000, 'the probe app to be online');
  } catch (err) {
    return { ok: false, why: (err as Error).message };
  } finally {
    await cli(ctx, 'bulwark', ['delete', 'probe']);
  }
  return { ok: true };
}

// ---------------------------------------------------------------- report

const LABEL: Record<Peer, string> = { bare: 'bare `spawn` loop (floor)', bulwark: 'bulwark', pm2: 'PM2', forever: 'forever' };
const PEERS: Peer[] = ['bare', 'bulwark', 'pm2', 'forever'];

/** One row of the targets table: the value, and whether it meets the target. */
type TargetRow = (name: string, value: number | undefined, text: (v: number) => string, ok: (v: number) => boolean) => void;

function report(ctx: Ctx, g: GapResult | undefined, r: ResourceResult | undefined, h: HangResult | undefined): string {
  const bw = ctx.bulwark.ok;
  const na = ctx.bulwark.ok ? '' : ` (not available: ${ctx.bulwark.why})`;
  const out: string[] = [];
  out.push(`Peers: PM2 ${version('pm2')}, forever ${version('forever')}, bulwark ${bw ? 'from this tree' : `**not available**${na}`}.`);
  out.push('');
  if (g) gapSection(out, g, na);
  if (r) resourceSection(out, r, bw);
  if (h) hangSection(out, h, na);
  out.push('### Targets');
  out.push('');
  out.push('| target | value | met? |');
  out.push('|---|---|---|');
  const row: TargetRow = (name, value, text, ok) =>
    out.push(`| ${name} | ${value === undefined || Number.isNaN(value) ? 'n/a' : text(value)} | ${value === undefined || Number.isNaN(value) ? 'n/a' : ok(value) ? 'yes' : '**no**'} |`);
  if (g) gapTargets(row, g);
  if (r) resourceTargets(row, r);
  if (h) {
    row('busy loop restarted within 3 s of the last heartbeat', h.bulwark?.afterLastBeatMs, (v) => `${fmt(v)} ms`, (v) => v <= 3000);
    out.push(`| busy loop: PM2 and forever never restart it | PM2 ${h.pm2?.restarted ? 'restarted' : 'not restarted'}, forever ${h.forever?.restarted ? 'restarted' : 'not restarted'} | ${h.pm2 && h.forever && !h.pm2.restarted && !h.forever.restarted ? 'yes' : 'n/a'} |`);
  }
  if (ctx.notes.length > 0) {
    out.push('');
    out.push('Notes from this run:');
    for (const n of ctx.notes) out.push(`- ${n}`);
  }
  if (r) {
    out.push('');
    out.push('Memory: VmRSS counts the shared node binary in every process (about 34 MB of an idle node\'s 40 MB is file-backed); RssAnon is the private part. forever runs one monitor per app, so its "supervisor" is 20 processes.');
  }
  return out.join('\n');
}

function gapSection(out: string[], g: GapResult, na: string): void {
  out.push(`### Restart gap (app exit -> the new app's first line), ms: ${ROUNDS} rounds, each bare loop and bulwark as A B B A blocks of ${RESTARTS_PER_RUN} restarts, then PM2 and forever`);
  out.push('');
  out.push('| supervisor | n | median | p95 | reaction median (exit -> new process start) | boot median (process start -> first line) | supervisor CPU per restart, median (its main thread, exit -> first line) | per-round medians |');
  out.push('|---|---|---|---|---|---|---|---|');
  for (const p of PEERS) {
    if (g.gaps[p].length === 0) { out.push(`| ${LABEL[p]} | 0 | — | — | — | — | — | ${p === 'bulwark' ? `not available${na}` : 'no data'} |`); continue; }
    out.push(`| ${LABEL[p]} | ${g.gaps[p].length} | ${fmt(median(g.gaps[p]))} | ${fmt(pct(g.gaps[p], 95))} | ${fmt(reaction(g, p))} | ${fmt(median(g.bootMs[p]))} | ${cpuMs(median(g.supervisorCpuMs[p]))} | ${g.roundMedians[p].map(fmt).join(', ')} |`);
  }
  if (g.roundRatios.length > 0) {
    out.push('');
    out.push(`Per-round ratio, bulwark / bare loop (medians of the round's paired blocks): ${g.roundRatios.map((x) => x.toFixed(3)).join(', ')}.`);
    out.push('The verdict is their median: within a round both meet the same load, which swings the boot (most of the gap) from one minute to the next (docs/operating.md, "The race").');
  }
  out.push('');
}

function gapTargets(row: TargetRow, g: GapResult): void {
  // The verdict is paired (restartGaps says why): the median of the per-round ratios.
  row(`restart gap: bulwark / bare spawn <= 1.05 (median of ${g.roundRatios.length} per-round ratios; pooled medians: ${ratio(median(g.gaps.bulwark), median(g.gaps.bare))?.toFixed(2) ?? 'n/a'}x)`,
    g.roundRatios.length > 0 ? middle(g.roundRatios) : undefined, (v) => `${v.toFixed(3)}x`, (v) => v <= 1.05);
  // What the supervisor adds with the app's boot taken out (exit -> new process start), as a share
  // of the bare loop's gap: the same 5 %.
  const bareGap = median(g.gaps.bare);
  const reactionOver = g.gaps.bulwark.length && g.gaps.bare.length ? reaction(g, 'bulwark') - reaction(g, 'bare') : undefined;
  row(`restart reaction: bulwark - bare spawn <= ${REACTION_OVER_BARE_MAX * 100} % of the bare gap (${fmt(REACTION_OVER_BARE_MAX * bareGap)} ms this run)`,
    reactionOver, (v) => `${v >= 0 ? '+' : ''}${v.toFixed(1)} ms`, (v) => v <= REACTION_OVER_BARE_MAX * bareGap);
  row(`restart gap: bulwark / PM2 <= 0.6 (floor: bare spawn / PM2 = ${ratio(bareGap, median(g.gaps.pm2))?.toFixed(2) ?? 'n/a'}x)`,
    ratio(median(g.gaps.bulwark), median(g.gaps.pm2)), (v) => `${v.toFixed(2)}x`, (v) => v <= 0.6);
}

/** The apps alone (what they take with no supervisor at all): the bare loop's total minus the loop. */
function appsAloneOf(r: ResourceResult): { rss: number; anon: number } | undefined {
  const bare = r.usage.bare;
  return bare ? { rss: bare.totalRss - bare.daemonRss, anon: bare.totalAnon - bare.daemonAnon } : undefined;
}

function resourceSection(out: string[], r: ResourceResult, bw: boolean): void {
  out.push(`### ${IDLE_APPS} idle apps: memory (after ${SETTLE_MS / 1000} s settle) and supervisor CPU over ${CPU_WINDOW_MS / 1000} s`);
  out.push('');
  const appsAlone = appsAloneOf(r);
  out.push('| supervisor | supervisor VmRSS | supervisor RssAnon | total VmRSS (supervisor + apps) | total RssAnon | supervision cost (total VmRSS - apps alone) | processes | supervisor idle CPU (% of one core) |');
  out.push('|---|---|---|---|---|---|---|---|');
  for (const p of PEERS) {
    const u = r.usage[p];
    if (!u) { out.push(`| ${LABEL[p]} | — | — | — | — | — | — | ${p === 'bulwark' ? 'not available' : 'no data'} |`); continue; }
    const c = appsAlone ? u.totalRss - appsAlone.rss : undefined;
    out.push(`| ${LABEL[p]}${u.supervisors > 1 ? ` (${u.supervisors} monitors)` : ''} | ${mb(u.daemonRss)} | ${mb(u.daemonAnon)} | ${mb(u.totalRss)} | ${mb(u.totalAnon)} | ${c === undefined ? '—' : mb(c)} | ${u.procs} | ${u.cpuPct!.toFixed(2)} % |`);
  }
  if (appsAlone) out.push('', `The ${IDLE_APPS} apps alone (bare loop's children) take ${mb(appsAlone.rss)} VmRSS (${mb(appsAlone.anon)} RssAnon): no supervisor can go below that.`);
  out.push('');
  out.push(`### Status / list latency with ${IDLE_APPS} apps (wall time, median of ${CLI_RUNS}, interleaved)`);
  out.push('');
  out.push('| command | median ms | output bytes |');
  out.push('|---|---|---|');
  for (const [cmd, v] of Object.entries(r.cli)) out.push(`| \`${cmd}\` | ${fmt(v.medianMs)} | ${v.bytes} |`);
  if (!bw) out.push(`| \`bulwark status --json\` | not available | |`);
  out.push('');
}

function resourceTargets(row: TargetRow, r: ResourceResult): void {
  const appsAlone = appsAloneOf(r);
  const cost = (u: Usage | undefined) => (u && appsAlone ? u.totalRss - appsAlone.rss : undefined);
  row('total VmRSS, 20 apps: bulwark / PM2 <= 0.5 (floor: apps alone / PM2 = ' +
    (ratio(appsAlone?.rss, r.usage.pm2?.totalRss)?.toFixed(2) ?? 'n/a') + 'x)', ratio(r.usage.bulwark?.totalRss, r.usage.pm2?.totalRss), (v) => `${v.toFixed(2)}x`, (v) => v <= 0.5);
  row('total RssAnon, 20 apps: bulwark / PM2 <= 0.5', ratio(r.usage.bulwark?.totalAnon, r.usage.pm2?.totalAnon), (v) => `${v.toFixed(2)}x`, (v) => v <= 0.5);
  row('supervision cost (total - apps alone): bulwark / PM2 <= 0.5', ratio(cost(r.usage.bulwark), cost(r.usage.pm2)), (v) => `${v.toFixed(2)}x`, (v) => v <= 0.5);
  row('daemon RSS, 20 apps <= 50 MB', r.usage.bulwark ? r.usage.bulwark.daemonRss / 1024 : undefined, (v) => `${v.toFixed(1)} MB`, (v) => v <= 50);
  row('daemon idle CPU <= 0.3 % of a core', r.usage.bulwark?.cpuPct, (v) => `${v.toFixed(2)} %`, (v) => v <= 0.3);
  row('daemon idle CPU: bulwark / PM2 <= 0.25', ratio(r.usage.bulwark?.cpuPct, r.usage.pm2?.cpuPct), (v) => `${v.toFixed(2)}x`, (v) => v <= 0.25);
  row('`bulwark status --json` / `node -e 0` <= 1.3', ratio(r.cli['bulwark status --json']?.medianMs, r.cli['node -e 0']?.medianMs), (v) => `${v.toFixed(2)}x`, (v) => v <= 1.3);
}

function hangSection(out: string[], h: HangResult, na: string): void {
  out.push(`### A busy-looping app (\`while(true){}\` after 1 s of heartbeats)`);
  out.push('');
  out.push('| supervisor | restarted? | detail |');
  out.push('|---|---|---|');
  if (h.bulwark) out.push(`| bulwark (heartbeat.timeout 2s, cpu 90% for 2s) | ${h.bulwark.restarted ? 'yes' : '**no**'} | ${h.bulwark.afterLastBeatMs !== undefined ? `new run started ${fmt(h.bulwark.afterLastBeatMs)} ms after the last heartbeat` : `not restarted within ${h.windowMs / 1000} s`} |`);
  else out.push(`| bulwark | not available${na} | |`);
  for (const p of ['pm2', 'forever'] as const) {
    const v = h[p];
    out.push(`| ${LABEL[p]} (defaults) | ${v ? (v.restarted ? 'yes' : 'no') : '—'} | ${v ? `${v.starts} start(s) in ${h.windowMs / 1000} s` : 'no data'} |`);
  }
  out.push('');
}

// ---------------------------------------------------------------- cleanup

async function cleanup(ctx: Ctx): Promise<void> {
  await Promise.all([
    cli(ctx, 'bulwark', ['kill']).catch(() => undefined),
    cli(ctx, 'pm2', ['kill']).catch(() => undefined),
    cli(ctx, 'forever', ['stopall']).catch(() => undefined),
  ]);
  for (const child of ctx.bareLoops.splice(0)) if (child.pid) killGroupOf(child.pid);
  // Anything still carrying our tag was started by this run (a daemon that ignored its kill command,
  // an app orphaned by a peer): end exactly those.
  const deadline = Date.now() + 5_000;
  let left = taggedPids(ctx.tag);
  while (left.length > 0 && Date.now() < deadline) { await sleep(200); left = taggedPids(ctx.tag); }
  for (const pid of left) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  if (left.length > 0) ctx.notes.push(`cleanup: SIGKILLed ${left.length} leftover process(es) of this run`);
  rmSync(ctx.dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------- processes and /proc

interface CliRun { code: number | null; stdout: string; stderr: string; ms: number }

function cli(ctx: Ctx, tool: 'bulwark' | 'pm2' | 'forever', args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const bin = tool === 'bulwark' ? BULWARK : tool === 'pm2' ? PM2 : FOREVER;
  return timed(NODE, [bin, ...args], { ...ctx.env, ...extraEnv });
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 60_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

function must(r: CliRun, what: string): void {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${firstLine(r.stderr || r.stdout)}`);
}

function activePeers(ctx: Ctx): Peer[] {
  const all: Peer[] = ctx.bulwark.ok ? ['bare', 'bulwark', 'pm2', 'forever'] : ['bare', 'pm2', 'forever'];
  return ONLY_PEERS === undefined ? all : all.filter((p) => ONLY_PEERS.includes(p));
}

function killGroupOf(pid: number): void {
  // The bare loop's apps are its children: end them first, then the loop.
  for (const c of descendants([pid]).reverse()) { try { process.kill(c, 'SIGKILL'); } catch { /* gone */ } }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function allProcs(): Map<number, number> {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(fields[1]));
    } catch { /* exited */ }
  }
  return parent;
}

/** The given pids and every descendant. */
function descendants(roots: number[]): number[] {
  const parent = allProcs();
  const out = new Set(roots.filter((p) => parent.has(p)));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parent) if (!out.has(pid) && out.has(ppid)) { out.add(pid); grew = true; }
  }
  return [...out];
}

export function taggedPids(tag: string): number[] {
  const needle = `BENCH_TAG=${tag}`;
  const out: number[] = [];
  for (const pid of allProcs().keys()) {
    if (pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(needle)) out.push(pid);
    } catch { /* exited or not ours to read */ }
  }
  return out;
}

function cmdline(pid: number): string[] {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'); } catch { return []; }
}

export function procMem(pid: number): { rss: number; anon: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rss: Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0), anon: Number(/RssAnon:\s+(\d+)/.exec(s)?.[1] ?? 0) };
  } catch { return { rss: 0, anon: 0 }; }
}

export function cpuTicks(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) ticks += readProcStat(pid)?.cpuTicks ?? 0; // 0: exited
  return ticks;
}

export function readPid(file: string): number | undefined {
  try { const n = Number(readFileSync(file, 'utf8').trim()); return n > 0 ? n : undefined; } catch { return undefined; }
}

function version(pkg: string): string {
  try { return (JSON.parse(readFileSync(join(ROOT, 'bench/node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version; } catch { return '?'; }
}

// ---------------------------------------------------------------- small helpers

function empty(): Record<Peer, number[]> { return { bare: [], bulwark: [], pm2: [], forever: [] }; }
function sleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }
export function median(xs: number[]): number { return pct(xs, 50); }
/** The median as statistics defines it (the mean of the two middle values of an even count): nearest rank would take the lower one. */
export function middle(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
}
export function pct(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b) || b === 0 ? undefined : a / b;
}
function fmt(n: number): string { return Number.isNaN(n) ? '—' : String(Math.round(n)); }
function cpuMs(n: number): string { return Number.isNaN(n) ? '—' : n.toFixed(2); }
/** Median exit -> new process start (the gap without the app's own boot). */
function reaction(g: GapResult, p: Peer): number { return median(g.gaps[p].map((gap, i) => gap - g.bootMs[p][i]!)); }
function mb(kb: number): string { return `${(kb / 1024).toFixed(1)} MB`; }
function firstLine(s: string): string { return s.trim().split('\n')[0] ?? ''; }

async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
}

