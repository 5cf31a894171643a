// RSS and CPU of a process tailing one file written at 10,000 lines/s (issue 4: the daemon must
// stay under 100 MB; this is the tailer alone). The writer is a separate child process; this
// process runs the TailSource and a consumer that counts and commits.
// Run alone: node dist/bench/tail.js
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TailSource } from '../src/logs/tail/index.js';

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

export async function run(): Promise<string> {
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
    const writer = spawn(process.execPath, ['-e', WRITER, join(dir, 'access.log'), String(RATE), String(DURATION_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let written = '';
    writer.stdout.on('data', (d: Buffer) => { written += d.toString(); });
    let rssMax = 0;
    const samples: number[] = [];
    const sampler = setInterval(() => { const r = process.memoryUsage().rss; samples.push(r); rssMax = Math.max(rssMax, r); }, 250);
    await new Promise((resolve) => writer.once('exit', resolve));
    const total = Number(written);
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
      '## Tail source: RSS while tailing 10,000 lines/s',
      '',
      `One file written by a separate process at ${RATE.toLocaleString('en-US')} lines/s (~190-byte access-log lines, a rename rotation every 5 s) for ${DURATION_MS / 1000} s; this process runs one TailSource (glob \`access.log*\`) and a consumer that counts and commits every batch.`,
      '',
      '| metric | value |',
      '|---|---|',
      `| lines written / delivered | ${total.toLocaleString('en-US')} / ${lines.toLocaleString('en-US')} |`,
      `| rotations seen | ${stats.rotations} |`,
      `| RSS before start | ${mb(rssStart)} MB |`,
      `| RSS max while tailing | ${mb(rssMax)} MB (target < 100 MB) |`,
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
