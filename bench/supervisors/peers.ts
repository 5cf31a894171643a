// The race's peers and the run they share: where each one's CLI lives, the run's context (its
// directory, tag and environment), and how the race drives a peer and waits on it.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execTimed, firstLine, type TimedRun } from '../exec-timed.js';
import { descendants } from '../procs.js';
import { repoRoot } from '../repo-root.js';

export const ROOT = repoRoot(import.meta.dirname);
export const APPS = join(ROOT, 'bench/apps');
export const NODE = process.execPath;
// The peers are the bench's own dependencies (bench/package.json), not bulwark's.
const PM2 = join(ROOT, 'bench/node_modules/pm2/bin/pm2');
const FOREVER = join(ROOT, 'bench/node_modules/forever/bin/forever');
const BULWARK = join(ROOT, 'bin/bulwark');

// Sizes chosen to keep the whole section near 7 minutes on 2 busy cores. BENCH_QUICK=1 shrinks
// everything for a smoke run (numbers then mean little).
export const QUICK = process.env.BENCH_QUICK === '1';
/** BENCH_SUPERVISORS_PEERS=bare,bulwark leaves the other peers out (a quicker look at one pair); default all. */
const ONLY_PEERS = process.env.BENCH_SUPERVISORS_PEERS?.split(',').map((p) => p.trim());

export type Peer = 'bare' | 'bulwark' | 'pm2' | 'forever';

export interface Ctx {
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

export type CliRun = TimedRun;

export function cli(ctx: Ctx, tool: 'bulwark' | 'pm2' | 'forever', args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const bin = tool === 'bulwark' ? BULWARK : tool === 'pm2' ? PM2 : FOREVER;
  return timed(NODE, [bin, ...args], { ...ctx.env, ...extraEnv });
}

export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return execTimed(cmd, args, env, 60_000, 64 * 1024 * 1024);
}

export function must(r: CliRun, what: string): void {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${firstLine(r.stderr || r.stdout)}`);
}

export function activePeers(ctx: Ctx): Peer[] {
  const all: Peer[] = ctx.bulwark.ok ? ['bare', 'bulwark', 'pm2', 'forever'] : ['bare', 'pm2', 'forever'];
  return ONLY_PEERS === undefined ? all : all.filter((p) => ONLY_PEERS.includes(p));
}

export function killGroupOf(pid: number): void {
  // The bare loop's apps are its children: end them first, then the loop.
  for (const c of descendants([pid]).reverse()) { try { process.kill(c, 'SIGKILL'); } catch { /* gone */ } }
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
}
