// RSS and CPU while tailing one file written at 10,000 lines/s (issue 4: the daemon must stay
// under 100 MB): first the real daemon (bulwark start, the file in an app's logs.tail, detection
// on), then the TailSource alone in this process. The writer is a separate child process.
// Run alone: node dist/bench/tail.js
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DaemonClient } from '../src/client/client.js';
import type { PipelineStats } from '../src/logs/pipeline.js';
import { TailSource } from '../src/logs/tail/index.js';
import { procClock, readProcStat } from '../src/supervisor/proc-stat.js';

const BIN = fileURLToPath(new URL('../../bin/bulwark', import.meta.url));

const RATE = 10_000;
const DURATION_MS = 20_000;

// A realistic access-log line (~190 bytes), numbered so we can check nothing was lost.
const WRITER = `
const { openSync, writeSync, renameSync, closeSync } = require('node:fs');
const [file, rate, duration] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
let fd = openSync(file, 'a'), seq = 0, rotated = 0;
const t0 = performance.now();
const timer = setInterval(() => {
  const now = performance.now();
  const due = Math.min(Math.floor((now - t0) * rate / 1000), Math.floor(duration * rate / 1000));
  let s = '';
  for (; seq < due; seq++) s += '203.0.113.' + (seq % 250) + ' - - [10/Oct/2024:13:55:36 +0000] "GET /api/items?page=' + seq + ' HTTP/1.1" 200 2326 "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64) bench"\\n';
  if (s) writeSync(fd, s);
  // a rename rotation every 5 s, like a busy logrotate
  if (now - t0 > (rotated + 1) * 5000) { rotated++; renameSync(file, file + '.' + rotated); closeSync(fd); fd = openSync(file, 'a'); }
  if (now - t0 >= duration) { clearInterval(timer); closeSync(fd); process.stdout.write(String(seq)); }
}, 10);
`;

function startWriter(file: string): { done: Promise<number> } {
  const writer = spawn(process.execPath, ['-e', WRITER, file, String(RATE), String(DURATION_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let written = '';
  writer.stdout.on('data', (d: Buffer) => { written += d.toString(); });
  return { done: new Promise((resolve) => writer.once('exit', () => resolve(Number(written)))) };
}

const vmRss = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const cpuTicks = (pid: number): number => readProcStat(pid)?.cpuTicks ?? NaN;

/** The daemon tailing the file of an app's logs.tail, parsing and detecting every line. */
async function daemonRun(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-tail-daemon-'));
  const env = { ...process.env, BULWARK_HOME: join(dir, 'home') };
  try {
    const config = join(dir, 'bulwark.yml');
    writeFileSync(config, `apps:\n  - { name: web, cmd: [${JSON.stringify(process.execPath)}, "-e", "setInterval(()=>{},60000)"], logs: { tail: ["${join(dir, 'access.log*')}"], format: clf } }\n`);
    const started = spawnSync(process.execPath, [BIN, 'start', config], { env, encoding: 'utf8' });
    if (started.status !== 0) throw new Error(`bulwark start failed: ${started.stderr}`);
    const pid = Number(readFileSync(join(dir, 'home', 'daemon.pid'), 'utf8'));
    const client = await DaemonClient.connect(join(dir, 'home', 'daemon.sock'));
    const pipelineLines = async () => (await client.request<{ pipeline: PipelineStats | null }>('status', { all: true })).pipeline?.lines ?? 0;
    try {
      const rssStart = vmRss(pid);
      const ticksStart = cpuTicks(pid);
      const t0 = performance.now();
      const writer = startWriter(join(dir, 'access.log'));
      let rssMax = 0;
      const sampler = setInterval(() => { rssMax = Math.max(rssMax, vmRss(pid)); }, 250);
      const total = await writer.done;
      const deadline = Date.now() + 15_000;
      let lines = await pipelineLines();
      while (lines < total && Date.now() < deadline) { await new Promise((r) => setTimeout(r, 100)); lines = await pipelineLines(); }
      clearInterval(sampler);
      const cpuPct = ((cpuTicks(pid) - ticksStart) / procClock().ticksPerSec / ((performance.now() - t0) / 1000)) * 100;
      const mb = (b: number): string => (b / 1024 / 1024).toFixed(1);
      return [
        '### Daemon RSS while tailing 10,000 lines/s (bench/tail.ts)',
        '',
        `\`bulwark start\` with one app whose \`logs.tail\` is \`access.log*\` (format clf, detection on, no forward endpoint); a separate process writes ${RATE.toLocaleString('en-US')} lines/s (~190-byte access-log lines, a rename rotation every 5 s) for ${DURATION_MS / 1000} s. VmRSS of the daemon sampled every 250 ms.`,
        '',
        '| metric | value |',
        '|---|---|',
        `| lines written / parsed and checked by the daemon | ${total.toLocaleString('en-US')} / ${lines.toLocaleString('en-US')} |`,
        `| daemon VmRSS before / max while tailing | ${mb(rssStart)} MB / **${mb(rssMax)} MB** (target < 100 MB: ${rssMax < 100 * 1024 * 1024 ? 'met' : 'NOT met'}) |`,
        `| daemon CPU | ${cpuPct.toFixed(1)}% of one core |`,
        '',
      ].join('\n');
    } finally {
      client.close();
    }
  } finally {
    spawnSync(process.execPath, [BIN, 'kill'], { env });
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<string> {
  return `${await daemonRun()}\n${await tailerRun()}`;
}

async function tailerRun(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-tail-'));
  try {
    let lines = 0;
    const source = new TailSource({
      app: 'bench', patterns: ['access.log*'], cwd: dir, stateDir: join(dir, 'state'),
      onBatch(b) { lines += b.lines.length; b.commit(); },
    });
    global.gc?.();
    const rssStart = process.memoryUsage().rss;
    await source.start();
    const cpuStart = process.cpuUsage();
    const t0 = performance.now();
    const writer = startWriter(join(dir, 'access.log'));
    let rssMax = 0;
    const samples: number[] = [];
    const sampler = setInterval(() => { const r = process.memoryUsage().rss; samples.push(r); rssMax = Math.max(rssMax, r); }, 250);
    const total = await writer.done;
    const deadline = Date.now() + 10_000;
    while (lines < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const elapsedS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    clearInterval(sampler);
    const stats = source.stats();
    await source.stop();
    const mb = (b: number): string => (b / 1024 / 1024).toFixed(1);
    const cpuPct = ((cpu.user + cpu.system) / 1000 / (elapsedS * 1000)) * 100;
    return [
      '### The tail source alone (same writer, TailSource in the bench process)',
      '',
      `One file written by a separate process at ${RATE.toLocaleString('en-US')} lines/s (~190-byte access-log lines, a rename rotation every 5 s) for ${DURATION_MS / 1000} s; this process runs one TailSource (glob \`access.log*\`) and a consumer that counts and commits every batch.`,
      '',
      '| metric | value |',
      '|---|---|',
      `| lines written / delivered | ${total.toLocaleString('en-US')} / ${lines.toLocaleString('en-US')} |`,
      `| rotations seen | ${stats.rotations} |`,
      `| RSS before start | ${mb(rssStart)} MB |`,
      `| RSS max while tailing | ${mb(rssMax)} MB (the bench process, which also ran earlier sections; the daemon's figure is above) |`,
      `| RSS at end | ${mb(samples.at(-1) ?? 0)} MB |`,
      `| CPU (user+sys) of the tailing process | ${cpuPct.toFixed(1)}% of one core |`,
      '',
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().then((md) => process.stdout.write(md + '\n'), (err: unknown) => { console.error(err); process.exit(1); });
}
