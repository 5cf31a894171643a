// Issue 16, break 2: the disk under the forward spool fills up while an app logs and an endpoint
// takes everything (select: [all]). The daemon must stay calm (< 25 % of a core, < 150 MB RSS),
// report the trouble a few times rather than feed its own errors into the spool, keep the security
// history, deliver every line exactly once when space returns, and `kill` must work on a full disk.
// The spool gets its own small tmpfs (mounted here as root, unmounted after).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { BulwarkEvent } from '../../src/events/types.js';
import { procClock, readProcStat } from '../../src/supervisor/proc-stat.js';
import { TestHome, isAlive } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { startRsyslog } from '../helpers/rsyslog.js';

const APPS = join(import.meta.dirname, '../helpers/apps');
const LINES = 20_000;
const RATE = 2_000;
/** How long the disk stays full while the daemon is measured. */
const FULL_MS = Number(process.env.BULWARK_TEST_DISK_FULL_MS ?? 8_000);
const canMount = process.getuid?.() === 0;

/** Writes until the file system refuses (ENOSPC); returns the filler's path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'a');
  const block = Buffer.alloc(64 * 1024, 0x7a);
  try {
    for (;;) writeSync(fd, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return path;
}

/** Daemon CPU (% of one core) and peak RSS (MB) over `ms`. */
async function measure(pid: number, ms: number): Promise<{ cpu: number; rssMb: number }> {
  const { ticksPerSec, pageSize } = procClock();
  const first = readProcStat(pid)!;
  const started = performance.now();
  let peak = first.rssPages;
  while (performance.now() - started < ms) {
    await new Promise((r) => setTimeout(r, 250));
    peak = Math.max(peak, readProcStat(pid)!.rssPages);
  }
  const last = readProcStat(pid)!;
  const seconds = (performance.now() - started) / 1000;
  return { cpu: (100 * (last.cpuTicks - first.cpuTicks)) / ticksPerSec / seconds, rssMb: (peak * pageSize) / 2 ** 20 };
}

test('a full spool disk: the daemon stays calm, keeps its history, recovers without re-queueing, and kill works', { skip: !canMount && 'needs root to mount a small tmpfs', timeout: 120_000 + FULL_MS * 2 }, async (t) => {
  const h = new TestHome();
  const rx = await startRsyslog({ tcp: true, output: 'msg' });
  const spoolDisk = join(h.home, 'state', 'forward');
  mkdirSync(spoolDisk, { recursive: true, mode: 0o700 });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', spoolDisk]);
  t.after(async () => {
    // The daemon first (it holds files on the tmpfs), then the mount, then the directories.
    await h.run(['kill'], { timeoutMs: 30_000 }).catch(() => {});
    const pid = h.daemonPid();
    if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
    try { execFileSync('umount', ['-l', spoolDisk]); } catch { /* already gone */ }
    h.cleanup();
    await rx.dispose();
  });
  const tagged = JSON.stringify({ level: 'warn', message: 'blocked request', category: 'malicious-traffic', ip: '203.0.113.7' });
  const cfg = h.write('b.yml', [
    'apps:',
    '  - name: feed', `    script: ${JSON.stringify(join(APPS, 'writer.mjs'))}`, `    env: { LINES: "${LINES}", RATE: "${RATE}", PAD: "60" }`,
    '  - name: attacked', `    cmd: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(`console.log(${JSON.stringify(tagged)});setInterval(()=>{},1000)`)}]`,
    '    logs: { format: json }',
    'forward:', `  - { name: rx, host: 127.0.0.1, port: ${rx.ports.tcp}, protocol: tcp, framing: octet-counting, select: [all] }`, '',
  ].join('\n'));
  assert.equal((await h.run(['start', cfg])).code, 0);
  const pid = h.daemonPid()!;
  const seqs = (): Map<number, number> => {
    const seen = new Map<number, number>();
    for (const l of rx.lines()) {
      const m = /^(\d+) x+$/.exec(l);
      if (m) seen.set(Number(m[1]), (seen.get(Number(m[1])) ?? 0) + 1);
    }
    return seen;
  };
  /** `events --json` prints one event per line. */
  const events = async (...args: string[]): Promise<BulwarkEvent[]> => {
    const r = await h.run(['events', ...args, '--json']);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as BulwarkEvent);
  };
  const security = (): Promise<BulwarkEvent[]> => events('--type', 'security');
  await waitFor('forwarding works', () => seqs().size > 500, 30_000, 100);
  await waitFor('the attack detected', async () => (await security()).length > 0, 30_000, 100);

  const filler = fill(spoolDisk);
  const { cpu, rssMb } = await measure(pid, FULL_MS);
  const forwardEvents = await events('--type', 'forward', '--lines', '100000');
  t.diagnostic(`disk full for ${FULL_MS} ms: daemon ${cpu.toFixed(1)} % of a core, peak RSS ${rssMb.toFixed(0)} MB, ${forwardEvents.length} forward events`);
  assert.ok(isAlive(pid), 'the daemon is still running');
  assert.ok(cpu < 25, `CPU ${cpu.toFixed(1)} %`);
  assert.ok(rssMb < 150, `RSS ${rssMb.toFixed(0)} MB`);
  assert.ok(forwardEvents.length <= 10, `forward errors are aggregated, not one per failed write (${forwardEvents.length})`);
  assert.ok(forwardEvents.some((e) => e.kind === 'forward.error'), 'the full disk is reported');
  assert.equal((await security()).length, 1, 'the security history is still there');
  assert.ok(statSync(join(h.home, 'state', 'events.jsonl')).size < 1024 * 1024, 'the history file did not fill with noise');

  // Space returns: every line arrives, and what was queued before is not queued again.
  unlinkSync(filler);
  const all = await waitFor('every line delivered after recovery', () => {
    const s = seqs();
    return s.size === LINES ? s : null;
  }, 90_000, 250);
  const duplicates = [...all.values()].reduce((n, c) => n + c - 1, 0);
  t.diagnostic(`after recovery: ${all.size} lines, ${duplicates} duplicates`);
  assert.ok(duplicates <= LINES / 100, `${duplicates} duplicates`);

  // kill on a full disk.
  const filler2 = fill(spoolDisk);
  t.after(() => { try { unlinkSync(filler2); } catch { /* unmounted */ } });
  const began = Date.now();
  const killed = await h.run(['kill'], { timeoutMs: 60_000 });
  const took = Date.now() - began;
  t.diagnostic(`kill on a full disk took ${took} ms`);
  assert.equal(killed.code, 0, killed.stderr);
  assert.ok(took < 15_000, `kill took ${took} ms`);
  assert.ok(!isAlive(pid));
});
