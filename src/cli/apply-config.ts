// The shared path of `start <file|script>` and `apply <file>`: hand the validated config to the
// daemon as one owner's share (config-owners.ts), print what it added, changed and removed, then
// wait until each app survived its minUptime or failed, and say how it failed.
import { configSchema, type BulwarkConfig } from '../config/schema/index.js';
import { formatDuration } from '../common/units.js';
import { escapeControl } from '../forward/format/escape.js';
import type { Change } from '../daemon/config-owners.js';
import type { StartOutcome } from '../daemon/start-settle.js';
import { homePaths } from '../daemon/paths.js';
import type { AppStatus } from '../supervisor/supervisor.js';
import { RemoteError, type DaemonClient } from '../client/client.js';
import { callerEnvironment } from './caller-env.js';
import { EXIT, type CliIO } from './command.js';
import { reportRemoteError } from './daemon-connection.js';
import { ensureDaemon, type EarlyDaemon } from './daemon-launcher.js';
import { renderStatusTable } from './status-table.js';

export interface ApplyRequest {
  config: BulwarkConfig;
  /** What the file wrote itself (top-level sections and alerts.<key>). */
  declared: string[];
  source: { id: string; label: string };
  /** For a file: how it was read (the caller's cwd, --env), so that SIGHUP reads it again the same way. */
  origin?: { cwd: string; envName?: string | undefined };
  force?: boolean;
  replace?: boolean;
  /** A script: refuse any existing app of its name. */
  create?: boolean;
  dryRun?: boolean;
}

/** Applies, reports, settles; the exit code (1 for a clash or an app that failed to start). */
export async function applyConfig(req: ApplyRequest, io: CliIO, opts: { json?: boolean; clashHint: string; daemon?: EarlyDaemon }): Promise<number> {
  let client: DaemonClient;
  try {
    client = await (opts.daemon?.go() ?? ensureDaemon(homePaths()));
  } catch (err) {
    return reportRemoteError(io, err);
  }
  try {
    const { security, alerts } = configSchema.parse({});
    // The caller's environment goes with each app (config env over it, it over the daemon's), sent once.
    const { changes, apps } = await client.request<{ changes: Change[]; apps: string[] }>('apply', { ...req, callerEnv: callerEnvironment(), defaults: { security, alerts } });
    if (!opts.json || req.dryRun) io.out(renderChanges(changes, req.dryRun === true));
    if (req.dryRun) return EXIT.OK;
    return await settleAndReport(client, apps, io, opts.json === true);
  } catch (err) {
    if (err instanceof RemoteError && err.code === 'ECLASH') {
      for (const line of err.message.split('\n')) io.err(`bulwark: ${line}`);
      io.err(`  ${opts.clashHint}`);
      return EXIT.FAILURE;
    }
    return reportRemoteError(io, err);
  } finally {
    client.close();
  }
}

/**
 * Waits until each app survived its minUptime or failed, prints their rows (none for a file that
 * starts no app) and why each failed one ended; 1 if any failed.
 */
export async function settleAndReport(client: DaemonClient, apps: readonly string[], io: CliIO, json: boolean): Promise<number> {
  const { outcomes } = await client.request<{ outcomes: StartOutcome[] }>('settle', { names: apps });
  const status = (await client.request<AppStatus[]>('status')).filter((s) => apps.includes(s.name));
  if (json) io.out(JSON.stringify(status));
  else if (status.length > 0) io.out(renderStatusTable(status));
  return reportOutcomes(io, outcomes);
}

/** "added: app api, forward endpoint papertrail" per action, or "no changes". */
export function renderChanges(changes: readonly Change[], dryRun = false): string {
  const lines = (['added', 'changed', 'removed'] as const).flatMap((action) => {
    const items = changes.filter((c) => c.action === action).map((c) => `${c.what === 'setting' ? '' : `${c.what} `}${c.name}`);
    return items.length ? [`${dryRun ? 'would be ' : ''}${action}: ${items.join(', ')}`] : [];
  });
  return lines.length ? lines.join('\n') : 'no changes';
}

/** Prints why each app that did not survive its minUptime ended; 1 if any failed. */
export function reportOutcomes(io: CliIO, outcomes: readonly StartOutcome[]): number {
  let code: number = EXIT.OK;
  for (const o of outcomes) {
    const who = o.instances > 1 ? `${o.name} (instance ${o.instance})` : o.name;
    if (o.result === 'stopped') io.out(`${who} ${how(o)} and stays ${o.state ?? 'stopped'} (its restart policy does not restart it)`);
    if (o.result !== 'failed') continue;
    code = EXIT.FAILURE;
    const e = o.exit;
    const after = e?.uptimeMs !== undefined && e.cause !== 'spawn-failed' ? ` after ${formatDuration(e.uptimeMs)}` : '';
    io.err(`bulwark: ${who} failed to start: it ${how(o)}${after} (a run shorter than restart.minUptime, ${formatDuration(o.minUptimeMs)}, is a failed start)`);
    for (const line of e?.stderr ?? []) io.err(`    ${escapeControl(line)}`);
    io.err(o.state === 'errored'
      ? `  it is errored (no more restarts): fix it, then \`bulwark start ${o.name}\``
      : `  bulwark keeps restarting it with backoff; after ${o.maxRestarts + 1} failed starts in a row it is errored. Its output: \`bulwark logs ${o.name}\``);
  }
  return code;
}

function how(o: StartOutcome): string {
  const e = o.exit;
  if (e === null) return 'ended';
  if (e.cause === 'spawn-failed') return 'could not be spawned';
  if (e.signal !== null) return `was killed by ${e.signal}${e.cause === 'crash' || e.cause === 'exit' ? '' : ` (${e.cause})`}`;
  return e.cause === 'crash' || e.cause === 'exit' ? `exited with code ${e.code}` : `was stopped (${e.cause})`;
}
