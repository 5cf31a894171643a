// Forwarding throughput: a 1,000,000-line access log shipped over TCP to a real rsyslog receiver
// by the bulwark daemon (the file in an app's logs.tail -> TailSource -> parse + detection ->
// Forwarder with select: all -> durable spool -> one socket write per batch -> offsets committed)
// and by rsyslog's own imfile -> omfwd on the same file,
// side by side in one run. Time = sender start until the receiver has written every line.
// A third row is the receiver's ceiling: the same lines, already framed, written down one TCP
// socket as fast as it takes them; no shipper can beat it, so it bounds every ratio.
// Run alone: `npm run build && node dist/bench/forward.js`.
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { procClock, readProcStat } from '../src/supervisor/proc-stat.js';
import { startRsyslog, type RsyslogReceiver } from '../test/helpers/rsyslog.js';
import { writeAccessLog } from './scan.js';

const LINES = Number(process.env.BENCH_FORWARD_LINES ?? 1_000_000);


interface Shipped {
  ms: number;
  lines: number;
  /** CPU seconds (user + system) the shipping process used, read just before it was stopped. */
  cpuS: number;
}

const ROUNDS = Number(process.env.BENCH_FORWARD_ROUNDS ?? 3);

/** utime + stime of a live process, in seconds. */
function cpuSeconds(pid: number | undefined): number {
  const stat = pid === undefined ? null : readProcStat(pid);
  return stat ? stat.cpuTicks / procClock().ticksPerSec : NaN;
}

/** No new line for this long: the shipper is done, whatever it delivered (rsyslog can leave some behind). */
const STALL_MS = 15_000;

/**
 * Counts lines the receiver wrote, incrementally, until `target` or a stall; resolves with the time
 * (since `t0`) of the last line received and how many arrived.
 */
async function waitForLines(rx: RsyslogReceiver, target: number, t0: number, timeoutMs: number): Promise<Omit<Shipped, 'cpuS'>> {
  const buf = Buffer.allocUnsafe(1 << 20);
  let fd = -1;
  let offset = 0;
  let lines = 0;
  let lastLineAt = Date.now();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (fd < 0 && existsSync(rx.out)) fd = openSync(rx.out, 'r');
      if (fd >= 0) {
        for (let got; (got = readSync(fd, buf, 0, buf.length, offset)) > 0; offset += got) {
          for (let i = buf.indexOf(10, 0); i !== -1 && i < got; i = buf.indexOf(10, i + 1)) lines++;
          lastLineAt = Date.now();
        }
      }
      if (lines >= target) return { ms: lastLineAt - t0, lines };
      if (lines > 0 && Date.now() - lastLineAt > STALL_MS) return { ms: lastLineAt - t0, lines };
      if (Date.now() > deadline) throw new Error(`receiver got ${lines} of ${target} lines in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

async function rsyslogShipper(dir: string, file: string): Promise<Shipped> {
  const rx = await startRsyslog({ tcp: true, output: 'msg' });
  const port = rx.ports.tcp!;
  const work = join(dir, 'sender-work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  const conf = join(dir, 'send.conf');
  writeFileSync(conf, `global(workDirectory="${work}" maxMessageSize="64k")
module(load="imfile" mode="inotify")
template(name="rfc5424" type="string" string="<%PRI%>1 %TIMESTAMP:::date-rfc3339% %HOSTNAME% %APP-NAME% %PROCID% %MSGID% %STRUCTURED-DATA% %msg%\\n")
input(type="imfile" file="${file}" tag="access" facility="local0" severity="info" ruleset="fwd" persistStateInterval="10000")
ruleset(name="fwd") {
  action(type="omfwd" target="127.0.0.1" port="${port}" protocol="tcp" template="rfc5424" TCP_Framing="octet-counted"
         queue.type="LinkedList" queue.size="100000" queue.dequeueBatchSize="1024"
         queue.filename="fwdq" queue.maxDiskSpace="1g" queue.saveOnShutdown="on"
         action.resumeRetryCount="-1" action.resumeInterval="5")
}
*.* action(type="omfile" file="${join(dir, 'send-internal.log')}")
`);
  try {
    const t0 = Date.now();
    const sender = spawn('rsyslogd', ['-n', '-f', conf, '-i', join(dir, 'send.pid')], { stdio: 'ignore' });
    try {
      const got = await waitForLines(rx, LINES, t0, 300_000);
      return { ...got, cpuS: cpuSeconds(sender.pid) };
    } finally {
      const exited = new Promise((r) => sender.once('exit', r));
      sender.kill('SIGTERM');
      await exited;
    }
  } finally {
    await rx.dispose();
  }
}

/** The log as RFC 5424 frames with octet counting, what a shipper would send; written once per run. */
async function writeFramed(file: string, out: string): Promise<void> {
  const w = createWriteStream(out);
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    const msg = `<134>1 2024-10-10T00:00:00.000Z bench access - - - ${line}`;
    if (!w.write(`${Buffer.byteLength(msg)} ${msg}`)) await once(w, 'drain');
  }
  w.end();
  await once(w, 'finish');
}

/** The floor: pre-framed bytes piped down one socket; the receiver is all that limits it. */
async function receiverCeiling(framed: string): Promise<Shipped> {
  const rx = await startRsyslog({ tcp: true, output: 'msg' });
  try {
    const t0 = Date.now();
    const socket = connect(rx.ports.tcp!, '127.0.0.1');
    createReadStream(framed, { highWaterMark: 1 << 20 }).pipe(socket);
    try {
      return { ...(await waitForLines(rx, LINES, t0, 300_000)), cpuS: NaN };
    } finally {
      socket.destroy();
    }
  } finally {
    await rx.dispose();
  }
}

const BIN = fileURLToPath(new URL('../../bin/bulwark', import.meta.url));

/** The real daemon path: TailSource -> parse + detect -> Forwarder (select: all) -> rsyslog. */
async function bulwarkShipper(dir: string, file: string, tagged: number): Promise<Shipped> {
  const rx = await startRsyslog({ tcp: true, output: 'msg' });
  const home = join(dir, `home-${Date.now()}`);
  const env = { ...process.env, BULWARK_HOME: home };
  const config = join(dir, 'bulwark.yml');
  writeFileSync(config, [
    'apps:',
    `  - { name: access, cmd: [${JSON.stringify(process.execPath)}, "-e", "setInterval(()=>{},60000)"], logs: { tail: [${JSON.stringify(file)}], format: json } }`,
    `forward: [{ name: bench, host: 127.0.0.1, port: ${rx.ports.tcp}, protocol: tcp, format: rfc5424, framing: octet-counting, select: [all] }]`,
    '',
  ].join('\n'));
  try {
    const t0 = Date.now();
    const started = spawnSync(process.execPath, [BIN, 'start', config], { env, encoding: 'utf8' });
    if (started.status !== 0) throw new Error(`bulwark start failed: ${started.stderr}`);
    const got = await waitForLines(rx, LINES + tagged, t0, 300_000);
    const pid = Number(readFileSync(join(home, 'daemon.pid'), 'utf8').trim());
    return { ...got, cpuS: cpuSeconds(pid) };
  } finally {
    spawnSync(process.execPath, [BIN, 'kill'], { env });
    await rx.dispose();
    rmSync(home, { recursive: true, force: true });
  }
}

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-forward-'));
  try {
    const file = join(dir, 'access.log');
    const tagged = await writeAccessLog(file, LINES);
    const size = statSync(file).size;
    const framed = join(dir, 'framed.bin');
    await writeFramed(file, framed);
    // Interleaved rounds, so that background load hits both alike; the best run of each is compared.
    const rs: Shipped[] = [];
    const bw: Shipped[] = [];
    const floor: Shipped[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      floor.push(await receiverCeiling(framed));
      rs.push(await rsyslogShipper(dir, file));
      bw.push(await bulwarkShipper(dir, file, tagged));
    }
    // Rate = log lines delivered per second of shipping (bulwark also sends its security events).
    const rate = (r: Shipped, extra: number) => Math.round(((r.lines - extra) / r.ms) * 1000);
    const rsRate = Math.max(...rs.map((r) => rate(r, 0)));
    const bwRate = Math.max(...bw.map((r) => rate(r, tagged)));
    const floorRate = Math.max(...floor.map((r) => rate(r, 0)));
    const ceiling = floorRate / rsRate;
    const runs = (list: Shipped[], extra: number) => list.map((r) => `${(r.ms / 1000).toFixed(2)} s${r.lines - extra < LINES ? ` (only ${(r.lines - extra).toLocaleString('en-US')} lines arrived)` : ''}`).join(', ');
    const cpu = (list: Shipped[]) => `${Math.min(...list.map((r) => r.cpuS)).toFixed(2)} s`;
    return [
      '### Forwarding throughput (bench/forward.ts)',
      '',
      `${LINES.toLocaleString('en-US')} JSON access-log lines (${(size / 1e6).toFixed(0)} MB, ${tagged.toLocaleString('en-US')} tagged malicious-traffic), shipped over TCP`,
      'with RFC 5424 + octet counting to a real rsyslog imtcp receiver on loopback; time from sender start until the receiver',
      `wrote the last line (bulwark: from \`bulwark start\`, daemon start-up included; a run that stalls for ${STALL_MS / 1000} s short of`,
      `every line is reported with what arrived). ${ROUNDS} interleaved runs each, best shown; CPU = user + system time of the`,
      'shipping process (rsyslogd, or the bulwark daemon), least of the runs: the figure background load moves least.',
      '',
      '| shipper | runs | lines/s | CPU |',
      '|---|---|---|---|',
      `| receiver ceiling: the same lines pre-framed, piped down one socket (no shipper can beat it) | ${runs(floor, 0)} | ${floorRate.toLocaleString('en-US')} | - |`,
      `| rsyslog imfile -> omfwd (LinkedList + disk-assisted queue) | ${runs(rs, 0)} | ${rsRate.toLocaleString('en-US')} | ${cpu(rs)} |`,
      `| bulwark daemon: tail + parse + detect + forward (select: all, fsync'd spool) | ${runs(bw, tagged)} | ${bwRate.toLocaleString('en-US')} | ${cpu(bw)} |`,
      '',
      `Ratio bulwark / rsyslog: **${(bwRate / rsRate).toFixed(2)}x** (target >= 1.2x: ${bwRate / rsRate >= 1.2 ? 'met' : 'NOT met'}). bulwark also shipped ${tagged.toLocaleString('en-US')} security events on top of the lines.`,
      '',
      `The receiver caps any shipper at **${ceiling.toFixed(2)}x** rsyslog in this run${ceiling < 1.2 ? ', below the 1.2x target: the target cannot be met against this receiver on this machine, and the honest measure is bulwark against the ceiling' : ''}: bulwark reaches **${(bwRate / floorRate).toFixed(2)}** of the ceiling, rsyslog **${(1 / ceiling).toFixed(2)}**.`,
      '',
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((md) => process.stdout.write(md + '\n'), (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
