// The race with a busy-looping app (`while(true){}` after 1 s of heartbeats): bulwark's heartbeat
// and CPU limit should restart it; PM2 and forever, with their defaults, have nothing to notice it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { APPS, cli, must, QUICK, waitFor, type Ctx } from './peers.js';
import { countStarts } from './restart-gap.js';

const HANG_WINDOW_MS = QUICK ? 6_000 : 10_000;

export interface HangResult { bulwark?: { restarted: boolean; afterLastBeatMs?: number }; pm2?: HangPeer; forever?: HangPeer; windowMs: number }
interface HangPeer { restarted: boolean; starts: number }

export async function hangs(ctx: Ctx): Promise<HangResult> {
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
