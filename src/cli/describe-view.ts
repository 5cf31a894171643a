// The text of `bulwark describe NAME` (PM2's `show`): what runs, where its output goes, how it is
// restarted, judged healthy and limited, the current run and the last exits. Config values are the
// user's; exit reasons may quote app output: everything printed passes terminalSafe.
import type { AppConfig } from '../config/schema/index.js';
import type { LifecycleEvent } from '../events/types.js';
import type { AppStatus } from '../supervisor/supervisor.js';
import { spawnCommandFor, SpawnCommandError } from '../supervisor/spawn-command.js';
import { formatBytes, formatDuration } from '../common/units.js';
import { bytes, duration, percent, renderTable } from './format.js';
import { terminalSafe } from './terminal-text.js';

export interface AppDescription { config: AppConfig; status: AppStatus[]; exits: LifecycleEvent[] }

const SECRET_KEY = /pass|secret|token|key|auth|credential|private|cookie|session|dsn|cert|salt|signature/i;
const URL_PASSWORD = /(\/\/[^/:@\s]+:)[^@/\s]+@/g;
const MASK = '****';

/** Env values shown, except for keys that look secret (masked), and passwords inside URLs. */
export function maskedEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, SECRET_KEY.test(k) ? MASK : v.replace(URL_PASSWORD, `$1${MASK}@`)]));
}

/** The command line as the daemon spawns it (the interpreter chosen by extension, or `cmd`), or why it cannot run. */
function commandLine(cfg: AppConfig): { file: string; args: string[]; cwd: string } | string {
  try {
    return spawnCommandFor(cfg);
  } catch (err) {
    if (!(err instanceof SpawnCommandError)) throw err;
    return `cannot run: ${err.message} (${err.hint})`;
  }
}

export function renderDescription(d: AppDescription, logFiles: { stdout: string; stderr: string }): string {
  const c = d.config;
  const cmd = commandLine(c);
  const ms = (n: number) => formatDuration(n);
  const rows: [string, string][] = [
    [c.script !== undefined ? 'script' : 'cmd', c.script ?? JSON.stringify(c.cmd)],
    ['runs', typeof cmd === 'string' ? cmd : [cmd.file, ...cmd.args].map(quote).join(' ')],
    ['args', c.args.length ? JSON.stringify(c.args) : '-'],
    ['cwd', typeof cmd === 'string' ? c.cwd ?? '-' : cmd.cwd],
    ['interpreter', interpreterOf(c, typeof cmd === 'string' ? undefined : cmd)],
    ['env', Object.entries(maskedEnv(c.env)).map(([k, v]) => `${k}=${v}`).join('  ') || '-'],
    ['caller env', c.callerEnv ? `${Object.keys(c.callerEnv).length} variables from the shell that ran start (below env)` : '-'],
    ['stdout', logFiles.stdout],
    ['stderr', logFiles.stderr],
    ['log copies', c.logs.copyTo ? Object.entries(c.logs.copyTo).filter(([, p]) => p !== undefined).map(([k, p]) => `${k} ${p}`).join('; ') : '-'],
    ['log rotation', `at ${formatBytes(c.logs.rotate.size)}, keep ${c.logs.rotate.keep}; format ${c.logs.format}${c.logs.tail.length ? `; also tails ${c.logs.tail.join(', ')}` : ''}`
      + `${c.logs.timestamps !== false ? `; lines stamped ${c.logs.timestamps === true ? '(PM2 time)' : c.logs.timestamps}` : ''}`],
    ['restart', `${c.restart.policy}; backoff ${ms(c.restart.backoff.initial)} x${c.restart.backoff.factor} up to ${ms(c.restart.backoff.max)}; `
      + `a run under ${ms(c.restart.minUptime)} is a failed start; errored after ${c.restart.maxRestarts} restarts that failed in a row`],
    ['stop', `${c.stop.signal}, SIGKILL after ${ms(c.stop.timeout)} (hung: ${ms(c.stop.hangTimeout)}), whole process group`],
    ['health', healthOf(c)],
    ['limits', limitsOf(c)],
    ['cron', c.cron ?? '-'],
    ['watch', c.watch ? `${c.watch.paths.join(', ')}${c.watch.ignore.length ? ` (ignoring ${c.watch.ignore.join(', ')})` : ''}, debounce ${ms(c.watch.debounce)}` : '-'],
  ];
  const parts = [renderTable(['', ''], rows.map(([k, v]) => [k, terminalSafe(v)])).split('\n').slice(1).join('\n')];
  parts.push(d.status.length ? renderTable(['state', 'substate', 'pid', 'uptime', 'restarts', 'cpu', 'memory', 'health', 'last exit'],
    d.status.map((s) => [s.state, s.substate, s.pid ?? '-', duration(s.state === 'online' ? s.uptimeMs : null), s.restarts, percent(s.cpu), bytes(s.memoryBytes), s.health,
      s.lastExit ? `${s.lastExit.signal ?? `code ${s.lastExit.code}`}${s.lastExit.cause ? ` (${s.lastExit.cause})` : ''}` : '-'])) : 'not running');
  const errors = d.status.flatMap((s) => s.errors);
  if (errors.length) parts.push(`recent problems:\n${errors.map((e) => `  ${terminalSafe(e)}`).join('\n')}`);
  parts.push(d.exits.length
    ? `last ${d.exits.length} exit(s), newest last:\n${renderTable(['at', 'kind', 'exit', 'cause'], d.exits.map((e) => [e.at, e.kind, e.signal ?? (e.code === undefined || e.code === null ? '-' : `code ${e.code}`), terminalSafe(e.reason)]))}`
    : 'no exits recorded');
  return `${terminalSafe(c.name)}\n${parts.join('\n\n')}`;
}

function interpreterOf(c: AppConfig, cmd: { file: string; args: string[] } | undefined): string {
  if (c.cmd !== undefined) return '- (cmd is run as given)';
  if (cmd === undefined) return c.interpreter ?? '-';
  if (cmd.args.length === c.args.length) return '- (the script is executed itself)';
  const name = c.interpreter ?? (cmd.file === process.execPath ? 'node' : cmd.file);
  return `${name} (${cmd.file})`;
}

function healthOf(c: AppConfig): string {
  const h = c.health;
  const out: string[] = [];
  if (h.heartbeat) out.push(`heartbeat within ${formatDuration(h.heartbeat.timeout)}`);
  if (h.http) out.push(`http ${h.http.url} every ${formatDuration(h.http.interval)}, timeout ${formatDuration(h.http.timeout)}, ${h.http.failures} failures`);
  if (h.tcp) out.push(`tcp ${h.tcp.host}:${h.tcp.port} every ${formatDuration(h.tcp.interval)}, timeout ${formatDuration(h.tcp.timeout)}, ${h.tcp.failures} failures`);
  if (h.silence !== undefined) out.push(`silence over ${formatDuration(h.silence)}`);
  if (out.length && h.grace > 0) out.push(`grace ${formatDuration(h.grace)}`);
  return out.join('; ') || 'no probes';
}

function limitsOf(c: AppConfig): string {
  const l = c.limits;
  const out: string[] = [];
  if (l.memory) out.push(`memory ${formatBytes(l.memory.max)} for ${l.memory.for} samples`);
  if (l.cpu) out.push(`cpu ${l.cpu.max}% for ${formatDuration(l.cpu.for)}`);
  return out.length ? `${out.join('; ')}; sampled every ${formatDuration(l.sampleEvery)}` : 'none';
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg);
}
