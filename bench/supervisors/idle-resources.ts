// The race with 20 idle apps under each peer: the supervisors' memory and idle CPU, and how long
// each one's status / list command takes.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { procClock } from '../../src/supervisor/proc-stat.js';
import { cmdline, cpuTicks, descendants, procMem, readPid, taggedPids } from '../procs.js';
import { median } from '../stats.js';
import { activePeers, APPS, cli, exited, killGroupOf, must, NODE, QUICK, timed, type CliRun, type Ctx, type Peer } from './peers.js';

export const IDLE_APPS = 20;
export const SETTLE_MS = QUICK ? 3_000 : 15_000;
export const CPU_WINDOW_MS = QUICK ? 5_000 : 30_000;
export const CLI_RUNS = QUICK ? 2 : 5;

export interface Usage { supervisors: number; daemonRss: number; daemonAnon: number; totalRss: number; totalAnon: number; procs: number; cpuPct?: number }
export interface ResourceResult { usage: Partial<Record<Peer, Usage>>; cli: Record<string, { medianMs: number; bytes: number }> }

export async function resources(ctx: Ctx): Promise<ResourceResult> {
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

/** The apps alone (what they take with no supervisor at all): the bare loop's total minus the loop. */
export function appsAloneOf(r: ResourceResult): { rss: number; anon: number } | undefined {
  const bare = r.usage.bare;
  return bare ? { rss: bare.totalRss - bare.daemonRss, anon: bare.totalAnon - bare.daemonAnon } : undefined;
}
