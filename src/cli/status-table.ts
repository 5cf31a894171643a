// The human view of `status`: apps, forward endpoints and the log pipeline's counters.
import type { AppStatus } from '../supervisor/supervisor.js';
import type { EndpointStatus } from '../forward/endpoint.js';
import type { PipelineStats } from '../logs/pipeline.js';
import { bytes, duration, percent, renderTable } from './format.js';
import { statusTable } from './commands/forward.js';

export interface DaemonStatus { apps: AppStatus[]; forward: EndpointStatus[]; pipeline: PipelineStats | null }

export function renderDaemonStatus(all: DaemonStatus): string {
  const parts = [all.apps.length ? renderStatusTable(all.apps) : 'no apps (start some with `bulwark start <config|script>`)'];
  if (all.forward.length) parts.push(statusTable(all.forward));
  const p = all.pipeline;
  if (p) {
    const i = p.input;
    parts.push(`log pipeline: ${p.lines} lines from ${p.files} file(s), ${p.detections} detection(s); hostile input: ${i.truncated} truncated, ${i.invalidUtf8} invalid UTF-8, ${i.nul} with NUL, ${i.binary} binary, ${i.ignored} allow-listed`);
  }
  return parts.join('\n\n');
}

export function renderStatusTable(apps: AppStatus[]): string {
  return renderTable(
    ['name', 'pid', 'state', 'uptime', 'restarts', 'cpu', 'memory', 'last exit', 'health'],
    apps.map((a) => [a.name, a.pid ?? '-', a.state, duration(a.state === 'online' ? a.uptimeMs : null), a.restarts,
      percent(a.cpu), bytes(a.memoryBytes), lastExit(a.lastExit), a.health]),
  );
}

function lastExit(e: AppStatus['lastExit']): string {
  if (!e) return '-';
  return e.signal ? e.signal : `code ${e.code}`;
}
