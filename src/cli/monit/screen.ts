// One frame of `bulwark monit`, as plain lines: the apps table and the newest events. Pure, so a
// test can check it without a terminal. Event text is attacker text: every field goes through
// escapeText, so escape sequences in a log line show as `\x1b[...` instead of driving the terminal.
import { escapeText } from '../../common/escape.js';
import type { BulwarkEvent } from '../../events/types.js';
import type { AppStatus } from '../../supervisor/supervisor.js';
import { bytes, duration, percent, renderTable } from '../format.js';

export interface MonitState {
  host: string;
  now: Date;
  apps: AppStatus[];
  /** Oldest first. */
  events: BulwarkEvent[];
  /** Set when the daemon went away. */
  problem?: string;
}

export function renderFrame(s: MonitState, columns: number, rows: number): string[] {
  const head = `bulwark monit · ${s.host} · ${s.now.toLocaleTimeString()}`;
  const help = 'q or Ctrl-C to quit';
  const lines = [`${head}${' '.repeat(Math.max(1, columns - head.length - help.length))}${help}`, ''];
  if (s.problem) lines.push(s.problem, '');
  const table = s.apps.length === 0 ? ['no apps (start some with `bulwark start <config|script>`)'] : renderTable(
    ['app', 'inst', 'state', 'pid', 'cpu', 'memory', 'restarts', 'uptime', 'health'],
    s.apps.map((a) => [a.name, 'instance' in a && typeof a.instance === 'number' ? a.instance : 0, a.state, a.pid ?? '-', percent(a.cpu), bytes(a.memoryBytes),
      a.restarts, duration(a.state === 'online' ? a.uptimeMs : null), a.health]),
  ).split('\n');
  lines.push(...table, '', 'recent events');
  const room = Math.max(0, rows - lines.length);
  const shown = room === 0 ? [] : s.events.slice(-room).reverse();
  lines.push(...shown.map(describe));
  return lines.slice(0, rows).map((l) => fit(l, columns));
}

function describe(e: BulwarkEvent): string {
  const at = new Date(e.at).toLocaleTimeString();
  const app = e.app ?? '-';
  switch (e.type) {
    case 'lifecycle': return `${at}  ${e.kind.padEnd(9)} ${app}: ${escapeText(e.reason)}`;
    case 'security': return `${at}  ${e.kind.padEnd(9)} ${app} ip=${escapeText(e.ip ?? '-')} user=${escapeText(e.user ?? '-')}: ${escapeText(e.line)}`;
    case 'alert': return `${at}  ${e.kind.padEnd(9)} ${escapeText(e.channel)}: ${escapeText(e.message)}`;
    case 'forward': return `${at}  ${e.kind.padEnd(9)} ${escapeText(e.endpoint)}: ${escapeText(e.message)}`;
    default: return `${at}  ${e.kind.padEnd(9)} ${escapeText(e.message)}`;
  }
}

/** Cut to the terminal's width: a wrapped line would scroll the frame. */
function fit(line: string, columns: number): string {
  return line.length > columns ? `${line.slice(0, Math.max(0, columns - 1))}…` : line;
}
