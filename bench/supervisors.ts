// The race: bulwark against PM2, forever and a bare child_process.spawn loop, side by side in one
// run on one machine (method: docs/operating.md "The race"; research/supervisors.md §3).
// Every process started here carries BENCH_TAG in its environment; cleanup ends exactly those.
// Its parts live in bench/supervisors/: the restart gap, 20 idle apps, a busy-looping app, the report.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killTaggedLeftovers } from './procs.js';
import { hangs } from './supervisors/busy-hang.js';
import { resources } from './supervisors/idle-resources.js';
import { firstLine } from './exec-timed.js';
import { APPS, cli, killGroupOf, ROOT, waitFor, type Ctx } from './supervisors/peers.js';
import { report } from './supervisors/report.js';
import { restartGaps } from './supervisors/restart-gap.js';

/** BENCH_SUPERVISORS_PARTS=gap (a comma list of gap, resources, hang) runs only those parts; default all. */
const PARTS = new Set((process.env.BENCH_SUPERVISORS_PARTS ?? 'gap,resources,hang').split(',').map((p) => p.trim()));

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

// ---------------------------------------------------------------- bulwark availability

async function probeBulwark(ctx: Ctx): Promise<Ctx['bulwark']> {
  for (const entry of ['main.js', 'status-main.js']) {
    if (!existsSync(join(ROOT, 'dist/src/bundle', entry))) return { ok: false, why: `dist/src/bundle/${entry} is missing (npm run build)` };
  }
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
  const left = await killTaggedLeftovers(ctx.tag, 5_000, 200);
  if (left > 0) ctx.notes.push(`cleanup: SIGKILLed ${left} leftover process(es) of this run`);
  rmSync(ctx.dir, { recursive: true, force: true });
}
