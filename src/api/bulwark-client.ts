// The programmatic client (PM2's `require('pm2')`): typed calls over the control socket, the same
// requests the CLI sends, so the API and the CLI cannot disagree about what the daemon does.
import { DaemonClient, RemoteError } from '../client/client.js';
import type { HomePaths } from '../daemon/paths.js';
import type { BanServiceStatus, PublicBan } from '../daemon/ban-service.js';
import type { BulwarkEvent } from '../events/types.js';
import type { AppStatus } from '../supervisor/supervisor.js';
import type { AppConfigInput } from '../config/schema/apps.js';
import { isRunning } from '../supervisor/proc-stat.js';
import { openEventStream, type EventFilter, type EventStream } from './event-stream.js';

/** An app as in the `apps:` list of bulwark.yml (`name` and `script` or `cmd`; the rest optional). */
export type AppDefinition = AppConfigInput;

export interface DaemonInfo { pid: number; version: string; home: string; uptimeMs: number; host: string }

export class BulwarkClient {
  private readonly streams = new Set<EventStream>();

  /** @internal Use `connect()`. */
  constructor(private readonly conn: DaemonClient, readonly paths: HomePaths, private readonly timeoutMs: number) {}

  /**
   * Starts apps. A string starts an app the daemon already knows (stopped or errored). Definitions
   * are validated like a config file (a ConfigError lists every problem) and each is started as
   * `bulwark start script --name NAME` would: an app of that name already there is refused
   * (RemoteError ECLASH) unless `force`, and the apps get this process's environment below their
   * own `env`. Resolves with the names, once spawned.
   */
  async start(target: string | AppDefinition | AppDefinition[], options: { force?: boolean } = {}): Promise<string[]> {
    if (typeof target === 'string') return this.names('start', target);
    const [{ validateConfig }, { configSchema }, { callerEnvironment }] = await Promise.all([
      import('../config/load.js'), import('../config/schema/index.js'), import('../cli/caller-env.js')]);
    const config = validateConfig({ apps: Array.isArray(target) ? target : [target] }, '(api)', process.env);
    const { security, alerts } = configSchema.parse({});
    const callerEnv = callerEnvironment();
    const started: string[] = [];
    for (const app of config.apps) {
      app.callerEnv = callerEnv;
      const { apps } = await this.conn.request<{ apps: string[] }>('apply', {
        config: { ...config, apps: [app] }, declared: ['apps'], create: true, force: options.force === true,
        source: { id: `cli:${app.name}`, label: `the API (${app.script ?? app.cmd!.join(' ')})` }, defaults: { security, alerts },
      });
      started.push(...apps);
    }
    return started;
  }

  /** Stops an app (or `all`) and resolves once it has exited. */
  stop(name: string): Promise<string[]> { return this.names('stop', name); }
  restart(name: string): Promise<string[]> { return this.names('restart', name); }
  /** Stops an app (or `all`) and forgets it. */
  delete(name: string): Promise<string[]> { return this.names('delete', name); }

  /** A rolling reload where the daemon supports one; otherwise a restart. */
  async reload(name: string): Promise<string[]> {
    try {
      return await this.names('reload', name);
    } catch (err) {
      if (err instanceof RemoteError && err.code === 'EBADREQ' && /unknown command/.test(err.message)) return this.names('restart', name);
      throw err;
    }
  }

  /** One object per app (the `status --json` shape); an unknown name rejects with code EUNKNOWN_APP. */
  status(name?: string): Promise<AppStatus[]> {
    return this.conn.request<AppStatus[]>('status', name === undefined ? {} : { name });
  }

  /** Past events, oldest first (at most `limit`, default 100). */
  history(filter: Omit<EventFilter, 'history'> & { limit?: number } = {}): Promise<BulwarkEvent[]> {
    return this.conn.request<BulwarkEvent[]>('events', { type: filter.type, app: filter.app, limit: filter.limit ?? 100 });
  }

  /**
   * Live events: `for await (const e of await client.events({ type: 'crash' }))`; `break` ends the
   * stream. Resolves once the daemon streams to this client: nothing published after that is missed.
   */
  async events(filter: EventFilter = {}): Promise<EventStream> {
    const stream = await openEventStream(this.paths.socket, filter, this.timeoutMs);
    this.streams.add(stream);
    const end = stream.return!.bind(stream);
    stream.return = (value) => { this.streams.delete(stream); return end(value); };
    return stream;
  }

  /** Bans an address now (`bulwark ban`): for `forMs`, or the policy's time. Needs security.ban on. */
  ban(ip: string, options: { forMs?: number; reason?: string } = {}): Promise<PublicBan> {
    return this.conn.request<PublicBan>('ban', { ip, durationMs: options.forMs, reason: options.reason });
  }

  /** Lifts a ban (an address, a banned network, or `all`); resolves with the bans lifted. */
  async unban(ip: string): Promise<PublicBan[]> {
    return (await this.conn.request<{ removed: PublicBan[] }>('unban', { ip })).removed;
  }

  /** The bans in force, and how banning is doing (`bulwark offenders --banned`). */
  bans(): Promise<{ status: BanServiceStatus; bans: PublicBan[] }> {
    return this.conn.request('bans', {});
  }

  /** The daemon's pid, version and home. */
  daemon(): Promise<DaemonInfo> { return this.conn.request<DaemonInfo>('ping'); }

  /** Stops every app, then the daemon (`bulwark kill`); resolves once the daemon has exited. */
  async killDaemon(): Promise<void> {
    const { pid } = await this.conn.request<{ pid: number }>('kill');
    this.close();
    while (isRunning(pid)) await new Promise((r) => setTimeout(r, 25));
  }

  /** Closes the connection and every open event stream. */
  close(): void {
    for (const s of this.streams) s.close();
    this.streams.clear();
    this.conn.close();
  }

  private async names(cmd: string, name: string): Promise<string[]> {
    return (await this.conn.request<{ names: string[] }>(cmd, { name })).names;
  }
}
