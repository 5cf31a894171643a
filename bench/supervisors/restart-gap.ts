// The race's restart gap: how long from a crashing app's exit to its next run's first line, under
// each peer, read from the timestamps the crash app writes itself (bench/apps/crash.cjs).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, ratio } from '../stats.js';
import { activePeers, APPS, cli, exited, killGroupOf, must, NODE, QUICK, waitFor, type Ctx, type Peer } from './peers.js';

// The restart gap: ROUNDS paired rounds (restartGaps), 420 gaps each of the bare loop, the bare
// loop capturing output, and bulwark. 21 rounds, not 11: per-round ratios spread ±0.026, so the
// verdict (their median) moved ~±0.007 between runs, as much as its distance to the 1.05 line;
// 21 nearly halve that variance (it is the measurement's, not bulwark's) for ~4 more minutes.
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 21));
/** Restarts per block; a round has two blocks each of the bare loop, the capturing loop and bulwark (restartGaps). */
export const RESTARTS_PER_RUN = Number(process.env.BENCH_RESTARTS ?? (QUICK ? 5 : 10));

/**
 * The race's peers, and a second floor: the bare loop giving each run what a supervisor that keeps
 * the app's output gives it (bench/apps/bare-loop.cjs, BARE_LOOP_CAPTURE): capture pipes, whose
 * ends the app's exit closes before its parent hears of the exit, and its own process group.
 */
export type GapPeer = Peer | 'capture';

export interface GapResult {
  gaps: Record<GapPeer, number[]>; roundMedians: Record<GapPeer, number[]>; bootMs: Record<GapPeer, number[]>; supervisorCpuMs: Record<GapPeer, number[]>;
  /** Per round: bulwark's median gap / the bare loop's, both from the same round's paired blocks. */
  roundRatios: number[];
  /** Per round: bulwark's median gap / the capturing loop's (informational). */
  captureRatios: number[];
}

/**
 * The paired method (issue 16 point 10: gap <= 1.05x the bare loop's, in every run). The gap is
 * mostly the app's own boot, which stretches with the host's load from one minute to the next; a
 * ratio of two medians taken minutes apart measures the load as much as the supervisor. So each
 * round runs the bare loop and bulwark as A B B A blocks of RESTARTS_PER_RUN restarts, back to back
 * (a drift of the load within the round hits both alike), and takes the ratio of their medians in
 * that round; the verdict is the median of the rounds' ratios, so one noisy round cannot decide it.
 * The capturing loop runs inside the pair (A C B B C A) for a second, informational ratio. PM2 and
 * forever run once per round after them.
 */
export async function restartGaps(ctx: Ctx): Promise<GapResult> {
  const peers = activePeers(ctx);
  const paired: GapPeer[] = peers.includes('bulwark') && peers.includes('bare')
    ? ['bare', 'capture', 'bulwark', 'bulwark', 'capture', 'bare'] : peers.filter((p) => p === 'bare' || p === 'bulwark');
  const order = [...paired, ...peers.filter((p) => p !== 'bare' && p !== 'bulwark')];
  const inRace = [...new Set(order)];
  const r: GapResult = { gaps: empty(), roundMedians: empty(), bootMs: empty(), supervisorCpuMs: empty(), roundRatios: [], captureRatios: [] };
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
    for (const peer of inRace) r.roundMedians[peer].push(median(inRound[peer]));
    const ratioOfRound = ratio(median(inRound.bulwark), median(inRound.bare));
    if (ratioOfRound !== undefined) r.roundRatios.push(ratioOfRound);
    const toCapture = ratio(median(inRound.bulwark), median(inRound.capture));
    if (toCapture !== undefined) r.captureRatios.push(toCapture);
  }
  return r;
}

async function startCrashApp(ctx: Ctx, peer: GapPeer, name: string, file: string): Promise<void> {
  const env = { ...ctx.env, TS_FILE: file };
  const script = join(APPS, 'crash.cjs');
  switch (peer) {
    case 'bare':
    case 'capture': {
      const child = spawn(NODE, [join(APPS, 'bare-loop.cjs'), script], { env: peer === 'capture' ? { ...env, BARE_LOOP_CAPTURE: '1' } : env, stdio: 'ignore' });
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

async function stopCrashApp(ctx: Ctx, peer: GapPeer, name: string): Promise<void> {
  switch (peer) {
    case 'bare':
    case 'capture': {
      const child = ctx.bareLoops.pop();
      if (child?.pid) { killGroupOf(child.pid); await exited(child); }
      return;
    }
    case 'bulwark': await cli(ctx, 'bulwark', ['delete', name]); return;
    case 'pm2': await cli(ctx, 'pm2', ['delete', name]); return;
    case 'forever': await cli(ctx, 'forever', ['stop', name]); return;
  }
}

/** How many runs an app's timestamp file records. */
export function countStarts(file: string): number {
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

/** Median exit -> new process start (the gap without the app's own boot). */
export function reaction(g: GapResult, p: GapPeer): number { return median(g.gaps[p].map((gap, i) => gap - g.bootMs[p][i]!)); }

function empty(): Record<GapPeer, number[]> { return { bare: [], capture: [], bulwark: [], pm2: [], forever: [] }; }
