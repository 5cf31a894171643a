// Active response, side by side with fail2ban 1.0.2 (its nftables action) in one run:
//   1. the set: 10,000 and 50,000 bans loaded at once, and the cost of one more ban at 0 / 10k / 50k;
//   2. reaction: from the attack line being written to packets from the attacker being dropped.
// Each tool runs in a network namespace pair of its own (daemon, nftables and a TCP server on one
// side, the attacker's prober on the other), and both read the SAME log file, so each trial's
// attack line reaches both at the same moment. Needs root, iproute2, nftables and fail2ban
// (python3-pyinotify gives fail2ban its inotify backend, as Debian recommends). One command:
// `npm run build && node dist/bench/run.js ban` (BENCH_TRIALS=N, BENCH_QUICK=1 for a smoke run).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './repo-root.js';
import { NftablesBackend } from '../src/ban/nftables.js';
import type { ActiveBan } from '../src/ban/ban-store.js';
import { securitySchema } from '../src/config/schema/security.js';
import { NetnsPair, netnsUnavailable, SERVER_V4 } from '../test/helpers/netns.js';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = repoRoot(dirname(fileURLToPath(import.meta.url)));
const APPS = join(ROOT, 'test/helpers/apps');
const BULWARK = join(ROOT, 'bin/bulwark');
const NODE = process.execPath;
const QUICK = process.env.BENCH_QUICK === '1';
const TRIALS = Number(process.env.BENCH_TRIALS ?? (QUICK ? 5 : 40));
const PORT = '2222';
/** A trial whose ban does not come within this long counts as a miss. */
const TRIAL_TIMEOUT_MS = 15_000;
/** The first four failures go in early; the fifth (the one that crosses maxretry) is the measured line. */
const SETTLE_MS = 1500;

type Tool = 'bulwark' | 'fail2ban';

export async function run(): Promise<string> {
  const missing = netnsUnavailable() || (which('fail2ban-server') ? false : 'fail2ban is not installed (apt-get install fail2ban)');
  if (missing) return `_Skipped: ${missing}._`;
  const scale = await setScale();
  const reaction = await reactionRace();
  return report(scale, reaction);
}

// ------------------------------------------------------------------------------------ the set

interface Scale { loadMs: Record<number, number>; addMs: Record<number, number> }

async function setScale(): Promise<Scale> {
  const pair = new NetnsPair();
  try {
    const cfg = (table: string) => securitySchema.parse({ ban: { enabled: true, table, maxBans: 100_000 } }).ban;
    const sizes = QUICK ? [0, 10_000] : [0, 10_000, 50_000];
    const backends = new Map<number, NftablesBackend>();
    const loadMs: Record<number, number> = {};
    for (const n of sizes) {
      const b = new NftablesBackend(cfg(`bw${n}`), pair.nftInServer);
      const now = Date.now();
      const t0 = performance.now();
      await b.start(Array.from({ length: n }, (_, i) => ban(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, now)), false, now);
      loadMs[n] = performance.now() - t0;
      backends.set(n, b);
    }
    const samples = new Map<number, number[]>(sizes.map((n) => [n, []]));
    for (let i = 0; i < (QUICK ? 7 : 25); i++) {
      for (const n of sizes) { // interleaved: load drift hits every size alike
        const t0 = performance.now();
        await backends.get(n)!.add([ban(`192.0.2.${(i % 250) + 1}`, Date.now())], Date.now());
        samples.get(n)!.push(performance.now() - t0);
      }
    }
    return { loadMs, addMs: Object.fromEntries(sizes.map((n) => [n, pct(samples.get(n)!, 50)])) };
  } finally {
    pair.close();
  }
}

function ban(target: string, now: number): ActiveBan {
  return { target, ip: target, family: 4, since: now, until: now + 3_600_000, count: 1, by: 'user', reason: 'bench' };
}

// ------------------------------------------------------------------------------------ the race

interface Side { tool: Tool; pair: NetnsPair; procs: ChildProcess[]; note: string }
interface Reaction { ms: Record<Tool, number[]>; misses: Record<Tool, number>; notes: string[]; load: [number, number] }

async function reactionRace(): Promise<Reaction> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-ban-bench-'));
  const log = join(dir, 'auth.log');
  writeFileSync(log, '');
  const sides: Side[] = [];
  const r: Reaction = { ms: { bulwark: [], fail2ban: [] }, misses: { bulwark: 0, fail2ban: 0 }, notes: [], load: [loadavg()[0]!, 0] };
  try {
    sides.push(await startBulwark(dir, log), await startFail2ban(dir, log));
    // Trial 0 warms both up (fail2ban creates its table at its first ban); it is not counted.
    for (let trial = 0; trial <= TRIALS; trial++) {
      const attacker = `192.0.2.${20 + trial}`;
      for (const s of sides) s.pair.addClient(attacker);
      const probers = await Promise.all(sides.map((s) => watch(s, attacker)));
      for (let i = 0; i < 4; i++) appendFileSync(log, failure(attacker));
      await sleep(SETTLE_MS);
      const t0 = Date.now();
      appendFileSync(log, failure(attacker));
      const results = await Promise.all(probers.map((p) => p.blockedAt));
      if (trial === 0) continue;
      sides.forEach((s, i) => {
        const at = results[i];
        if (at === null || at === undefined) r.misses[s.tool]++;
        else r.ms[s.tool].push(Math.max(0, at - t0));
      });
    }
    for (const s of sides) r.notes.push(`${s.note}; ${bannedInKernel(s)} attacker addresses in its nftables set at the end`);
  } finally {
    r.load[1] = loadavg()[0]!;
    for (const s of sides) await stopSide(s, dir);
    rmSync(dir, { recursive: true, force: true });
  }
  return r;
}

/** sshd's own line, with the time as syslog writes it (fail2ban ignores lines older than findtime). */
function failure(ip: string): string {
  const d = new Date();
  const stamp = `${d.toLocaleString('en-US', { month: 'short' })} ${String(d.getDate()).padStart(2, ' ')} ${d.toTimeString().slice(0, 8)}`;
  return `${stamp} ${hostname()} sshd[4242]: Failed password for root from ${ip} port ${40000 + Math.floor(Math.random() * 20000)} ssh2\n`;
}

async function startBulwark(dir: string, log: string): Promise<Side> {
  const pair = new NetnsPair();
  const home = join(dir, 'bulwark-home');
  const cfg = join(dir, 'bulwark.yml');
  writeFileSync(cfg, [
    'apps:',
    '  - name: login',
    `    script: ${join(APPS, 'auth-server.mjs')}`,
    `    env: { PORT: "${PORT}" }`,
    `    logs: { tail: [${log}] }`,
    'security:',
    '  ban: { enabled: true, bantime: 10m, storm: { bans: 10000 } }',
    '',
  ].join('\n'));
  await pair.run(pair.server, [NODE, BULWARK, 'start', cfg], { env: { ...process.env, BULWARK_HOME: home } });
  return { tool: 'bulwark', pair, procs: [], note: 'bulwark: `logs.tail` of an app, detection thresholds and bantime at their defaults (5 failures in 10m, 10m)' };
}

async function startFail2ban(dir: string, log: string): Promise<Side> {
  const pair = new NetnsPair();
  const conf = join(dir, 'fail2ban');
  cpSync('/etc/fail2ban', conf, { recursive: true });
  const pyinotify = spawnSync('/usr/bin/python3', ['-c', 'import pyinotify'], { stdio: 'ignore' }).status === 0;
  const backend = pyinotify ? 'pyinotify' : 'polling';
  writeFileSync(join(conf, 'fail2ban.local'), [
    '[Definition]', 'loglevel = INFO', `logtarget = ${join(dir, 'fail2ban.log')}`, 'dbfile = :memory:', `socket = ${join(dir, 'f2b.sock')}`, `pidfile = ${join(dir, 'f2b.pid')}`, '',
  ].join('\n'));
  writeFileSync(join(conf, 'jail.local'), [
    '[DEFAULT]', 'usedns = no', '',
    '[sshd]', 'enabled = true', 'filter = sshd', `logpath = ${log}`, `backend = ${backend}`,
    'maxretry = 5', 'findtime = 10m', 'bantime = 10m',
    // Its own table in its own namespace; drop like bulwark (fail2ban's default is reject).
    'action = nftables[type=allports, table=f2b-bench, blocktype=drop]', '',
  ].join('\n'));
  const server = spawn('ip', ['netns', 'exec', pair.server, 'fail2ban-server', '-f', '-x', '-c', conf, '-s', join(dir, 'f2b.sock'), '-p', join(dir, 'f2b.pid')], { stdio: 'ignore' });
  const tcp = spawn('ip', ['netns', 'exec', pair.server, NODE, join(APPS, 'auth-server.mjs')], { env: { ...process.env, PORT }, stdio: 'ignore' });
  const side: Side = { tool: 'fail2ban', pair, procs: [server, tcp], note: `fail2ban ${version()}: jail sshd (its filter), backend ${backend}, maxretry 5, findtime 10m, bantime 10m, action nftables[type=allports, blocktype=drop]` };
  const deadline = Date.now() + 60_000;
  while (!/Jail list:\s*sshd/.test(spawnSync('fail2ban-client', ['-c', conf, '-s', join(dir, 'f2b.sock'), 'status'], { encoding: 'utf8' }).stdout ?? '')) {
    if (Date.now() > deadline) throw new Error(`fail2ban did not start: ${tail(join(dir, 'fail2ban.log'))}`);
    await sleep(200);
  }
  return side;
}

/** How many 192.0.2.x addresses the tool's own table holds: the drops were its bans, not an accident. */
function bannedInKernel(s: Side): number {
  const rs = s.pair.ruleset();
  const table = s.tool === 'bulwark' ? /table inet bulwark \{[\s\S]*?\n\}/.exec(rs) : /table inet f2b-bench \{[\s\S]*?\n\}/.exec(rs);
  return (table?.[0].match(/192\.0\.2\.\d+/g) ?? []).length;
}

async function stopSide(s: Side, dir: string): Promise<void> {
  if (s.tool === 'bulwark') spawnSync(NODE, [BULWARK, 'kill'], { env: { ...process.env, BULWARK_HOME: join(dir, 'bulwark-home') }, timeout: 60_000 });
  else spawnSync('fail2ban-client', ['-c', join(dir, 'fail2ban'), '-s', join(dir, 'f2b.sock'), 'stop'], { timeout: 30_000 });
  for (const p of s.procs) p.kill('SIGKILL');
  s.pair.close();
}

/** A prober in the client namespace, from `ip`; resolves with when packets began to be dropped (null: never, in time). */
async function watch(s: Side, ip: string): Promise<{ blockedAt: Promise<number | null> }> {
  const child = spawn('ip', ['netns', 'exec', s.pair.client, NODE, join(APPS, 'ban-client.mjs'), 'watch', SERVER_V4, PORT, ip, '50'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  let onLine: (() => void) | null = null;
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; onLine?.(); });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${s.tool}: the prober from ${ip} never connected`)), 30_000);
    onLine = () => { if (out.includes('ready')) { clearTimeout(timer); resolve(); } };
  });
  const blockedAt = new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(null); }, TRIAL_TIMEOUT_MS + SETTLE_MS);
    onLine = () => {
      const m = /\{"blockedAt":(\d+)\}/.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    };
    child.on('close', () => { clearTimeout(timer); const m = /\{"blockedAt":(\d+)\}/.exec(out); resolve(m ? Number(m[1]) : null); });
  });
  return { blockedAt };
}

// ------------------------------------------------------------------------------------ report

function report(scale: Scale, r: Reaction): string {
  const sizes = Object.keys(scale.loadMs).map(Number);
  const row = (tool: Tool) => {
    const ms = r.ms[tool];
    return `| ${tool} | ${ms.length} | ${r.misses[tool]} | ${fmt(pct(ms, 50))} | ${fmt(pct(ms, 90))} | ${fmt(pct(ms, 99))} | ${fmt(Math.max(...ms))} |`;
  };
  const p99 = { b: pct(r.ms.bulwark, 99), f: pct(r.ms.fail2ban, 99) };
  const ratio = p99.b / p99.f;
  return [
    'Both tools read the same log file in the same run: each trial writes four failed sshd logins from a',
    `new attacker address, waits ${SETTLE_MS} ms, then writes the fifth (maxretry) and times until a prober`,
    'on the attacker\'s address (another namespace, over a veth pair) stops getting SYN-ACKs from a TCP server',
    'next to the tool. Bans drop packets in both (fail2ban told `blocktype=drop`).',
    '',
    '**Attack line written -> packets dropped**',
    '',
    '| tool | trials | misses | p50 | p90 | p99 | max |',
    '|---|---|---|---|---|---|---|',
    row('bulwark'),
    row('fail2ban'),
    '',
    `bulwark p99 / fail2ban p99 = **${Number.isFinite(ratio) ? ratio.toFixed(2) : 'n/a'}** (target <= 0.5); bulwark p99 ${fmt(p99.b)} (target <= 1 s).`,
    '',
    '**The nftables set** (one hash set with per-element timeouts; loads are one `nft -f` transaction, a ban is one `add element`)',
    '',
    '| bans in the set | load all at once | one more ban (median) |',
    '|---|---|---|',
    ...sizes.map((n) => `| ${n.toLocaleString('en-US')} | ${n === 0 ? '-' : fmt(scale.loadMs[n]!)} | ${fmt(scale.addMs[n]!)} |`),
    '',
    ...r.notes.map((n) => `- ${n}`),
    `- ${TRIALS} counted trials (plus one warm-up each); load average ${r.load[0].toFixed(1)} at start, ${r.load[1].toFixed(1)} at the end.`,
    '- Re-run (as root, with fail2ban and python3-pyinotify installed): `npm run build && node dist/bench/run.js ban`.',
  ].join('\n');
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

function fmt(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

function which(cmd: string): boolean {
  return ['/usr/bin', '/usr/sbin', '/bin', '/sbin', '/usr/local/bin'].some((d) => existsSync(join(d, cmd)));
}

function version(): string {
  return spawnSync('fail2ban-server', ['-V'], { encoding: 'utf8' }).stdout.trim() || '?';
}

function tail(file: string): string {
  try { return readFileSync(file, 'utf8').split('\n').slice(-5).join(' | '); } catch { return '(no log)'; }
}

