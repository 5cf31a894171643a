// The scale bench's peers (bulwark and PM2) and how it drives their CLIs: timed, optionally under
// /usr/bin/time for the CLI's peak RSS, and read back (daemon pid, apps online).
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execTimed, type TimedRun } from '../exec-timed.js';
import { readPid } from '../procs.js';
import { repoRoot } from '../repo-root.js';

export const ROOT = repoRoot(import.meta.dirname);
export const NODE = process.execPath;
const BULWARK = join(ROOT, 'bin/bulwark');
const PM2 = join(ROOT, 'bench/node_modules/pm2/bin/pm2');

export type Peer = 'bulwark' | 'pm2' | 'bare';

export interface Ctx { dir: string; tag: string; env: NodeJS.ProcessEnv; bulwarkHome: string; pm2Home: string; notes: string[] }

interface CliRun extends TimedRun { maxRssKb: number }

/** Runs a CLI; with `measureRss`, under /usr/bin/time for its peak RSS. */
export async function cli(ctx: Ctx, peer: Peer, args: string[], timeoutMs: number, measureRss = false): Promise<CliRun> {
  const bin = peer === 'bulwark' ? BULWARK : PM2;
  const rssFile = join(ctx.dir, `rss-${randomUUID()}`);
  const [cmd, argv] = measureRss ? ['/usr/bin/time', ['-f', '%M', '-o', rssFile, NODE, bin, ...args]] : [NODE, [bin, ...args]];
  const r = await execLarge(cmd, argv, ctx.env, timeoutMs);
  let maxRssKb = 0;
  if (measureRss) { try { maxRssKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()); rmSync(rssFile); } catch { /* none */ } }
  return { ...r, maxRssKb };
}

/** A command with the scale bench's output bound (`status --json` of 1,000 apps is large). */
export function execLarge(cmd: string, argv: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<TimedRun> {
  return execTimed(cmd, argv, env, timeoutMs, 256 * 1024 * 1024);
}

/** Apps online (with `healthy`: and their heartbeat health ok, so the beats really arrive). */
export async function onlineCount(ctx: Ctx, peer: Peer, healthy = false): Promise<number> {
  const r = await cli(ctx, peer, peer === 'bulwark' ? ['status', '--json'] : ['jlist'], 60_000);
  try {
    const list = JSON.parse(r.stdout) as { state?: string; health?: string; pm2_env?: { status?: string } }[];
    return list.filter((a) => (peer === 'bulwark' ? a.state === 'online' && (!healthy || a.health === 'ok') : a.pm2_env?.status === 'online')).length;
  } catch {
    return 0;
  }
}

export function daemonPid(ctx: Ctx, peer: Peer): number | undefined {
  return readPid(peer === 'bulwark' ? join(ctx.bulwarkHome, 'daemon.pid') : join(ctx.pm2Home, 'pm2.pid'));
}
