// The race's section of bench/RESULTS.md: a table per part, then the targets and whether each is met.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, middle, pct, ratio } from '../stats.js';
import { appsAloneOf, CLI_RUNS, CPU_WINDOW_MS, IDLE_APPS, SETTLE_MS, type ResourceResult, type Usage } from './idle-resources.js';
import type { HangResult } from './busy-hang.js';
import { ROOT, type Ctx, type Peer } from './peers.js';
import { reaction, RESTARTS_PER_RUN, ROUNDS, type GapPeer, type GapResult } from './restart-gap.js';

/**
 * Issue 16 point 10 (gap <= 1.05x the bare loop's) with the boot taken out: what bulwark may add to
 * a restart's reaction (exit -> new process start), as a share of the bare loop's gap in the same run.
 */
const REACTION_OVER_BARE_MAX = 0.05;

const LABEL: Record<GapPeer, string> = {
  bare: 'bare `spawn` loop (floor)', capture: 'bare loop capturing output (pipes, own group)', bulwark: 'bulwark', pm2: 'PM2', forever: 'forever',
};
const PEERS: Peer[] = ['bare', 'bulwark', 'pm2', 'forever'];
const GAP_PEERS: GapPeer[] = ['bare', 'capture', 'bulwark', 'pm2', 'forever'];

/** One row of the targets table: the value, and whether it meets the target. */
type TargetRow = (name: string, value: number | undefined, text: (v: number) => string, ok: (v: number) => boolean) => void;

export function report(ctx: Ctx, g: GapResult | undefined, r: ResourceResult | undefined, h: HangResult | undefined): string {
  const bw = ctx.bulwark.ok;
  const na = ctx.bulwark.ok ? '' : ` (not available: ${ctx.bulwark.why})`;
  const out: string[] = [];
  out.push(`Peers: PM2 ${version('pm2')}, forever ${version('forever')}, bulwark ${bw ? 'from this tree' : `**not available**${na}`}.`);
  out.push('');
  if (g) gapSection(out, g, na);
  if (r) resourceSection(out, r, bw);
  if (h) hangSection(out, h, na);
  out.push('### Targets');
  out.push('');
  out.push('| target | value | met? |');
  out.push('|---|---|---|');
  const row: TargetRow = (name, value, text, ok) =>
    out.push(`| ${name} | ${value === undefined || Number.isNaN(value) ? 'n/a' : text(value)} | ${value === undefined || Number.isNaN(value) ? 'n/a' : ok(value) ? 'yes' : '**no**'} |`);
  if (g) gapTargets(row, g);
  if (r) resourceTargets(row, r);
  if (h) {
    row('busy loop restarted within 3 s of the last heartbeat', h.bulwark?.afterLastBeatMs, (v) => `${fmt(v)} ms`, (v) => v <= 3000);
    out.push(`| busy loop: PM2 and forever never restart it | PM2 ${h.pm2?.restarted ? 'restarted' : 'not restarted'}, forever ${h.forever?.restarted ? 'restarted' : 'not restarted'} | ${h.pm2 && h.forever && !h.pm2.restarted && !h.forever.restarted ? 'yes' : 'n/a'} |`);
  }
  if (ctx.notes.length > 0) {
    out.push('');
    out.push('Notes from this run:');
    for (const n of ctx.notes) out.push(`- ${n}`);
  }
  if (r) {
    out.push('');
    out.push('Memory: VmRSS counts the shared node binary in every process (about 34 MB of an idle node\'s 40 MB is file-backed); RssAnon is the private part. forever runs one monitor per app, so its "supervisor" is 20 processes.');
  }
  return out.join('\n');
}

function gapSection(out: string[], g: GapResult, na: string): void {
  out.push(`### Restart gap (app exit -> the new app's first line), ms: ${ROUNDS} rounds, each the bare loop, the bare loop capturing output and bulwark as A C B B C A blocks of ${RESTARTS_PER_RUN} restarts, then PM2 and forever`);
  out.push('');
  out.push('| supervisor | n | median | p95 | reaction median (exit -> new process start) | boot median (process start -> first line) | supervisor CPU per restart, median (its main thread, exit -> first line) | per-round medians |');
  out.push('|---|---|---|---|---|---|---|---|');
  for (const p of GAP_PEERS) {
    if (g.gaps[p].length === 0) { out.push(`| ${LABEL[p]} | 0 | — | — | — | — | — | ${p === 'bulwark' ? `not available${na}` : 'no data'} |`); continue; }
    out.push(`| ${LABEL[p]} | ${g.gaps[p].length} | ${fmt(median(g.gaps[p]))} | ${fmt(pct(g.gaps[p], 95))} | ${fmt(reaction(g, p))} | ${fmt(median(g.bootMs[p]))} | ${cpuMs(median(g.supervisorCpuMs[p]))} | ${g.roundMedians[p].map(fmt).join(', ')} |`);
  }
  if (g.roundRatios.length > 0) {
    out.push('');
    out.push(`Per-round ratio, bulwark / bare loop (medians of the round's paired blocks): ${g.roundRatios.map((x) => x.toFixed(3)).join(', ')}.`);
    out.push('The verdict is their median: within a round both meet the same load, which swings the boot (most of the gap) from one minute to the next (docs/operating.md, "The race").');
  }
  if (g.captureRatios.length > 0) {
    out.push('');
    out.push(`Against the loop capturing output (what every supervisor that keeps the app's output pays: the pipes' ends close before the exit is heard, and each spawn makes their sockets), per round: ${g.captureRatios.map((x) => x.toFixed(3)).join(', ')}; `
      + `median ${middle(g.captureRatios).toFixed(3)}x; reaction ${signed(reaction(g, 'bulwark') - reaction(g, 'capture'))} ms (the capturing loop's own over the floor's: ${signed(reaction(g, 'capture') - reaction(g, 'bare'))} ms). Not a target: the issue's floor is the bare loop.`);
  }
  out.push('');
}

function gapTargets(row: TargetRow, g: GapResult): void {
  // The verdict is paired (restartGaps says why): the median of the per-round ratios.
  row(`restart gap: bulwark / bare spawn <= 1.05 (median of ${g.roundRatios.length} per-round ratios; pooled medians: ${ratio(median(g.gaps.bulwark), median(g.gaps.bare))?.toFixed(2) ?? 'n/a'}x)`,
    g.roundRatios.length > 0 ? middle(g.roundRatios) : undefined, (v) => `${v.toFixed(3)}x`, (v) => v <= 1.05);
  // What the supervisor adds with the app's boot taken out (exit -> new process start), as a share
  // of the bare loop's gap: the same 5 %.
  const bareGap = median(g.gaps.bare);
  const reactionOver = g.gaps.bulwark.length && g.gaps.bare.length ? reaction(g, 'bulwark') - reaction(g, 'bare') : undefined;
  row(`restart reaction: bulwark - bare spawn <= ${REACTION_OVER_BARE_MAX * 100} % of the bare gap (${fmt(REACTION_OVER_BARE_MAX * bareGap)} ms this run)`,
    reactionOver, (v) => `${signed(v)} ms`, (v) => v <= REACTION_OVER_BARE_MAX * bareGap);
  row(`restart gap: bulwark / PM2 <= 0.6 (floor: bare spawn / PM2 = ${ratio(bareGap, median(g.gaps.pm2))?.toFixed(2) ?? 'n/a'}x)`,
    ratio(median(g.gaps.bulwark), median(g.gaps.pm2)), (v) => `${v.toFixed(2)}x`, (v) => v <= 0.6);
}

function resourceSection(out: string[], r: ResourceResult, bw: boolean): void {
  out.push(`### ${IDLE_APPS} idle apps: memory (after ${SETTLE_MS / 1000} s settle) and supervisor CPU over ${CPU_WINDOW_MS / 1000} s`);
  out.push('');
  const appsAlone = appsAloneOf(r);
  out.push('| supervisor | supervisor VmRSS | supervisor RssAnon | total VmRSS (supervisor + apps) | total RssAnon | supervision cost (total VmRSS - apps alone) | processes | supervisor idle CPU (% of one core) |');
  out.push('|---|---|---|---|---|---|---|---|');
  for (const p of PEERS) {
    const u = r.usage[p];
    if (!u) { out.push(`| ${LABEL[p]} | — | — | — | — | — | — | ${p === 'bulwark' ? 'not available' : 'no data'} |`); continue; }
    const c = appsAlone ? u.totalRss - appsAlone.rss : undefined;
    out.push(`| ${LABEL[p]}${u.supervisors > 1 ? ` (${u.supervisors} monitors)` : ''} | ${mb(u.daemonRss)} | ${mb(u.daemonAnon)} | ${mb(u.totalRss)} | ${mb(u.totalAnon)} | ${c === undefined ? '—' : mb(c)} | ${u.procs} | ${u.cpuPct!.toFixed(2)} % |`);
  }
  if (appsAlone) out.push('', `The ${IDLE_APPS} apps alone (bare loop's children) take ${mb(appsAlone.rss)} VmRSS (${mb(appsAlone.anon)} RssAnon): no supervisor can go below that.`);
  out.push('');
  out.push(`### Status / list latency with ${IDLE_APPS} apps (wall time, median of ${CLI_RUNS}, interleaved)`);
  out.push('');
  out.push('| command | median ms | output bytes |');
  out.push('|---|---|---|');
  for (const [cmd, v] of Object.entries(r.cli)) out.push(`| \`${cmd}\` | ${fmt(v.medianMs)} | ${v.bytes} |`);
  if (!bw) out.push(`| \`bulwark status --json\` | not available | |`);
  out.push('');
}

function resourceTargets(row: TargetRow, r: ResourceResult): void {
  const appsAlone = appsAloneOf(r);
  const cost = (u: Usage | undefined) => (u && appsAlone ? u.totalRss - appsAlone.rss : undefined);
  row('total VmRSS, 20 apps: bulwark / PM2 <= 0.5 (floor: apps alone / PM2 = ' +
    (ratio(appsAlone?.rss, r.usage.pm2?.totalRss)?.toFixed(2) ?? 'n/a') + 'x)', ratio(r.usage.bulwark?.totalRss, r.usage.pm2?.totalRss), (v) => `${v.toFixed(2)}x`, (v) => v <= 0.5);
  row('total RssAnon, 20 apps: bulwark / PM2 <= 0.5', ratio(r.usage.bulwark?.totalAnon, r.usage.pm2?.totalAnon), (v) => `${v.toFixed(2)}x`, (v) => v <= 0.5);
  row('supervision cost (total - apps alone): bulwark / PM2 <= 0.5', ratio(cost(r.usage.bulwark), cost(r.usage.pm2)), (v) => `${v.toFixed(2)}x`, (v) => v <= 0.5);
  row('daemon RSS, 20 apps <= 50 MB', r.usage.bulwark ? r.usage.bulwark.daemonRss / 1024 : undefined, (v) => `${v.toFixed(1)} MB`, (v) => v <= 50);
  row('daemon idle CPU <= 0.3 % of a core', r.usage.bulwark?.cpuPct, (v) => `${v.toFixed(2)} %`, (v) => v <= 0.3);
  row('daemon idle CPU: bulwark / PM2 <= 0.25', ratio(r.usage.bulwark?.cpuPct, r.usage.pm2?.cpuPct), (v) => `${v.toFixed(2)}x`, (v) => v <= 0.25);
  row('`bulwark status --json` / `node -e 0` <= 1.3', ratio(r.cli['bulwark status --json']?.medianMs, r.cli['node -e 0']?.medianMs), (v) => `${v.toFixed(2)}x`, (v) => v <= 1.3);
}

function hangSection(out: string[], h: HangResult, na: string): void {
  out.push(`### A busy-looping app (\`while(true){}\` after 1 s of heartbeats)`);
  out.push('');
  out.push('| supervisor | restarted? | detail |');
  out.push('|---|---|---|');
  if (h.bulwark) out.push(`| bulwark (heartbeat.timeout 2s, cpu 90% for 2s) | ${h.bulwark.restarted ? 'yes' : '**no**'} | ${h.bulwark.afterLastBeatMs !== undefined ? `new run started ${fmt(h.bulwark.afterLastBeatMs)} ms after the last heartbeat` : `not restarted within ${h.windowMs / 1000} s`} |`);
  else out.push(`| bulwark | not available${na} | |`);
  for (const p of ['pm2', 'forever'] as const) {
    const v = h[p];
    out.push(`| ${LABEL[p]} (defaults) | ${v ? (v.restarted ? 'yes' : 'no') : '—'} | ${v ? `${v.starts} start(s) in ${h.windowMs / 1000} s` : 'no data'} |`);
  }
  out.push('');
}

function version(pkg: string): string {
  try { return (JSON.parse(readFileSync(join(ROOT, 'bench/node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version; } catch { return '?'; }
}

function signed(n: number): string { return Number.isNaN(n) ? '—' : `${n >= 0 ? '+' : ''}${n.toFixed(1)}`; }
function fmt(n: number): string { return Number.isNaN(n) ? '—' : String(Math.round(n)); }
function cpuMs(n: number): string { return Number.isNaN(n) ? '—' : n.toFixed(2); }
function mb(kb: number): string { return `${(kb / 1024).toFixed(1)} MB`; }
