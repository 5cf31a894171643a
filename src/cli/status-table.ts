// The human view of `status`: apps, forward endpoints and the log pipeline's counters.
import type { AppStatus } from '../supervisor/supervisor.js';
import type { EndpointStatus } from '../forward/endpoint.js';
import type { PipelineStats } from '../logs/pipeline.js';
import type { BanServiceStatus } from '../daemon/ban-service.js';
import { bytes, duration, percent, renderTable } from './format.js';
import { statusTable } from './commands/forward.js';
import { escapeControl } from '../forward/format/escape.js';
import type { CliIO } from './command.js';

export interface DaemonStatus { apps: AppStatus[]; forward: EndpointStatus[]; pipeline: PipelineStats | null; bans?: BanServiceStatus }

const HEAD = ['name', 'pid', 'state', 'uptime', 'restarts', 'cpu', 'memory', 'last exit', 'health'];
/** Rows printed at once while streaming: the columns are as wide as the widest cell so far. */
const BLOCK_ROWS = 200;

export function renderDaemonStatus(all: DaemonStatus): string {
  const parts = [all.apps.length ? renderStatusTable(all.apps) : NO_APPS];
  const why = exitNotes(all.apps);
  if (why) parts[0] += `\n${why}`;
  return [...parts, ...sections(all)].join('\n\n');
}

/** One row per instance: `name` alone for an app of one instance, `name@N` for each of several. */
export function renderStatusTable(apps: AppStatus[]): string {
  const many = clustered(apps);
  return renderTable(HEAD, apps.map((a) => statusRow(a, many)));
}

/** Apps that show several instances among `apps` (a streamed block: an app split across two blocks shows its first instance by name alone). */
function clustered(apps: AppStatus[]): Set<string> {
  return new Set(apps.filter((a) => a.instance > 0).map((a) => a.name));
}

function rowName(a: AppStatus, many: Set<string>): string {
  return many.has(a.name) || a.instance > 0 ? `${a.name}@${a.instance}` : a.name;
}

/**
 * `status` as the rows arrive: blocks of BLOCK_ROWS rows, columns never narrower than in the
 * blocks before; what follows the table (exit notes, endpoints, pipeline) at the end.
 */
export class StatusPrinter {
  private block: AppStatus[] = [];
  private widths: number[] = HEAD.map((h) => h.length);
  private printed = 0;
  private notes: string[] = [];

  constructor(private readonly io: CliIO) {}

  add(app: AppStatus): void {
    this.block.push(app);
    const note = exitNote(app);
    if (note !== null) this.notes.push(note);
    if (this.block.length >= BLOCK_ROWS) this.flush();
  }

  end(rest: Partial<DaemonStatus>): void {
    this.flush();
    const table = this.printed === 0 ? NO_APPS : this.notes.join('\n');
    const out = [table, ...sections({ forward: rest.forward ?? [], pipeline: rest.pipeline ?? null, bans: rest.bans })].filter((p) => p !== '');
    if (out.length > 0) this.io.out(out.join('\n\n'));
  }

  private flush(): void {
    if (this.block.length === 0) return;
    const many = clustered(this.block);
    const rows = this.block.map((a) => statusRow(a, many).map(String));
    const text = renderTable(HEAD, rows, this.widths);
    // The header once, above the first block.
    this.io.out(this.printed === 0 ? text : text.slice(text.indexOf('\n') + 1));
    this.printed += rows.length;
    this.block = [];
  }
}

const NO_APPS = 'no apps (start some with `bulwark start <config|script>`)';

function statusRow(a: AppStatus, many: Set<string>): (string | number)[] {
  return [rowName(a, many), a.pid ?? '-', stateText(a), duration(a.state === 'online' ? a.uptimeMs : null), a.restarts,
    percent(a.cpu), bytes(a.memoryBytes), lastExit(a.lastExit), a.health];
}

function sections(all: Pick<DaemonStatus, 'forward' | 'pipeline' | 'bans'>): string[] {
  const parts: string[] = [];
  if (all.forward.length) parts.push(statusTable(all.forward));
  const p = all.pipeline;
  if (p) {
    const i = p.input;
    parts.push(`log pipeline: ${p.lines} lines from ${p.files} file(s), ${p.detections} detection(s); hostile input: ${i.truncated} truncated, ${i.invalidUtf8} invalid UTF-8, ${i.nul} with NUL, ${i.binary} binary, ${i.ignored} allow-listed`);
  }
  if (all.bans?.enabled) parts.push(banLine(all.bans));
  return parts;
}

function banLine(b: BanServiceStatus): string {
  if (b.unavailable) return `bans: NOT WORKING: ${b.unavailable}`;
  const where = b.dryRun ? 'dry run, nothing applied' : b.table ? `${b.backend}, table ${b.table}` : b.backend;
  return `bans: ${b.active}/${b.maxBans} in force (${where}); since start: ${b.banned} banned, ${b.refused} refused, ${b.errors} error(s)`
    + (b.pausedUntil ? `; automatic banning PAUSED until ${b.pausedUntil} (ban storm)` : '');
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
  return apps.flatMap((a) => exitNote(a) ?? []).join('\n');
}

function exitNote(a: AppStatus): string | null {
  const stderr = a.lastExit?.stderr;
  if ((a.state !== 'backoff' && a.state !== 'errored') || !stderr?.length) return null;
  return `${a.name}${a.instance > 0 ? `@${a.instance}` : ''} (${a.state}): ${escapeControl(stderr.find((l) => !/^\s/.test(l)) ?? stderr[0]!)}`;
}
