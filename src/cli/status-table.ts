// The human view of `status`: apps, forward endpoints and the log pipeline's counters.
import type { AppStatus } from '../supervisor/supervisor.js';
import type { EndpointStatus } from '../forward/endpoint.js';
import type { PipelineStats } from '../logs/pipeline.js';
import type { BanServiceStatus } from '../daemon/ban-service.js';
import { bytes, duration, percent, renderTable } from './format.js';
import { statusTable } from './commands/forward.js';
import { escapeControl } from '../forward/format/escape.js';

export interface DaemonStatus { apps: AppStatus[]; forward: EndpointStatus[]; pipeline: PipelineStats | null; bans?: BanServiceStatus }

export function renderDaemonStatus(all: DaemonStatus): string {
  const parts = [all.apps.length ? renderStatusTable(all.apps) : 'no apps (start some with `bulwark start <config|script>`)'];
  const why = exitNotes(all.apps);
  if (why) parts[0] += `\n${why}`;
  if (all.forward.length) parts.push(statusTable(all.forward));
  const p = all.pipeline;
  if (p) {
    const i = p.input;
    parts.push(`log pipeline: ${p.lines} lines from ${p.files} file(s), ${p.detections} detection(s); hostile input: ${i.truncated} truncated, ${i.invalidUtf8} invalid UTF-8, ${i.nul} with NUL, ${i.binary} binary, ${i.ignored} allow-listed`);
  }
  if (all.bans?.enabled) parts.push(banLine(all.bans));
  return parts.join('\n\n');
}

function banLine(b: BanServiceStatus): string {
  if (b.unavailable) return `bans: NOT WORKING: ${b.unavailable}`;
  const where = b.dryRun ? 'dry run, nothing applied' : b.table ? `${b.backend}, table ${b.table}` : b.backend;
  return `bans: ${b.active}/${b.maxBans} in force (${where}); since start: ${b.banned} banned, ${b.refused} refused, ${b.errors} error(s)`
    + (b.pausedUntil ? `; automatic banning PAUSED until ${b.pausedUntil} (ban storm)` : '');
}

/** One row per instance: `name` alone for an app of one instance, `name@N` for each of several. */
export function renderStatusTable(apps: AppStatus[]): string {
  const many = new Set(apps.filter((a) => a.instance > 0).map((a) => a.name));
  return renderTable(
    ['name', 'pid', 'state', 'uptime', 'restarts', 'cpu', 'memory', 'last exit', 'health'],
    apps.map((a) => [many.has(a.name) ? `${a.name}@${a.instance}` : a.name, a.pid ?? '-', stateText(a), duration(a.state === 'online' ? a.uptimeMs : null), a.restarts,
      percent(a.cpu), bytes(a.memoryBytes), lastExit(a.lastExit), a.health]),
  );
}

/** The sub-state where it says more than the state: how far a stop went, a start waiting for readiness. */
function stateText(a: AppStatus): string {
  if (a.state === 'stopping' && a.substate) return `stopping (${a.substate})`;
  if (a.substate === 'wait-ready') return 'starting (waiting for ready)';
  return a.state;
}

/** "crash code 1", "hang SIGKILL", "stop SIGTERM", "spawn-failed": the cause first, then how it ended. */
function lastExit(e: AppStatus['lastExit']): string {
  if (!e) return '-';
  const how = e.signal ? e.signal : e.code === null ? '' : `code ${e.code}`;
  return [e.cause, how].filter(Boolean).join(' ');
}

/** Under the table, for each app that is down after a crash: the line that says why. */
function exitNotes(apps: AppStatus[]): string {
  return apps
    .filter((a) => (a.state === 'backoff' || a.state === 'errored') && a.lastExit?.stderr?.length)
    .map((a) => `${a.name}${a.instance > 0 ? `@${a.instance}` : ''} (${a.state}): ${escapeControl(a.lastExit!.stderr!.find((l) => !/^\s/.test(l)) ?? a.lastExit!.stderr![0]!)}`)
    .join('\n');
}
