// The daemon's one apply path: whatever changes the config (`start`/`apply`, SIGHUP, `resurrect`,
// the table restored at start) ends in reconcile(), which makes what runs match what the config's
// owners say (config-owners.ts): apps no source owns any more are removed, the merged settings are
// adopted (section-parts.ts), then the apps are added, replaced, scaled or started.
import type { AppConfig, BulwarkConfig } from '../config/schema/index.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { SupervisorError } from '../supervisor/errors.js';
import { runAs } from '../supervisor/run-as.js';
import { instanceCount } from '../supervisor/cluster-mode.js';
import type { AppTableStore } from './app-table.js';
import type { BanService } from './ban-service.js';
import { reloadSource } from './config-reload.js';
import { mergeOwners, ownerOf, planStart, sourceOf, withApp, withoutApp, type Change, type Clash, type ConfigSource, type Owners } from './config-owners.js';
import type { SectionParts } from './section-parts.js';
import { shareCallerEnvs } from './shared-env.js';

/** Who started an app, for its `start` event: the user, or the daemon bringing a table back. */
export interface StartCause { reason: string; by: string; /** `start --force`: restart it even when unchanged and running. */ force?: boolean }

export interface ReconcilerDeps {
  supervisor: Supervisor;
  table: AppTableStore;
  bans: BanService;
  sections: SectionParts;
}

export class Reconciler {
  /** Which started file owns which apps, endpoints, channels and settings (config-owners.ts). */
  private current: Owners | null = null;

  constructor(private readonly d: ReconcilerDeps) {}

  /** Null until the first config arrives. */
  get owners(): Owners | null { return this.current; }

  currentConfig(): BulwarkConfig | null {
    return this.current && mergeOwners(this.current);
  }

  /**
   * Makes the daemon run what `owners` say: apps no source owns any more are removed, the merged
   * settings are adopted, and the apps in `starting` are added, replaced when their config
   * changed, or started when down. Other apps are left as they are.
   */
  async reconcile(owners: Owners, starting: readonly string[], cause: StartCause): Promise<void> {
    const { supervisor } = this.d;
    const config = mergeOwners(owners);
    // A user/group this daemon cannot switch to is a config error (ECONFIG) before anything changes.
    const startingSet = new Set(starting); // a thousand apps: no includes() per app
    for (const app of config.apps) if (startingSet.has(app.name)) runAs(app);
    // Bans that cannot work here refuse a user's start (ECONFIG); a resurrect goes on without them (and says why).
    await this.d.bans.adopt(config.security, cause.by === 'user');
    shareCallerEnvs(owners.sources.flatMap((src) => src.apps));
    this.current = owners;
    const wanted = new Set(config.apps.map((a) => a.name));
    // Removed first: they may hold the ports the new apps need.
    for (const name of supervisor.names()) if (!wanted.has(name)) await supervisor.remove(name);
    await this.apply(config, config.apps.filter((a) => startingSet.has(a.name)), cause);
  }

  /**
   * SIGHUP for one config file: reads it again and applies it as `start FILE` would, as the owner
   * of what it declares (config-reload.ts). Throws, changing nothing, when it fails or clashes.
   */
  async reapplyFile(source: ConfigSource): Promise<Change[]> {
    const again = await reloadSource(source);
    const incoming = { ...sourceOf(source.id, source.label, again.config, again.declared), origin: again.origin };
    const owners = this.current!;
    const plan = planStart(owners, incoming, {}, owners.defaults);
    if (plan.clashes.length > 0) throw new Error(plan.clashes.map((c) => this.describeClash(c, incoming.label, false)).join('; '));
    await this.reconcile(plan.owners, incoming.apps.map((a) => a.name), { reason: 'reloaded (SIGHUP)', by: 'reload' });
    return plan.changes;
  }

  /** An app whose config changed outside a reconcile (`restart --update-env`, `scale`): what current.json and `save` keep. */
  keepApp(app: AppConfig): void {
    if (this.current) this.current = withApp(this.current, app);
  }

  /** Deleted apps: no source owns them any more. */
  forgetApps(names: readonly string[]): void {
    if (this.current) this.current = names.reduce(withoutApp, this.current);
  }

  /** The source (file or `cli:<app>`) that declared an app. */
  ownerOf(name: string): ConfigSource | undefined {
    return this.current ? ownerOf(this.current, name) : undefined;
  }

  /** Rewrites current.json, the table a daemon that dies comes back with. */
  recordCurrent(): void {
    if (this.current) this.d.table.recordCurrent(this.current);
  }

  /** Points the log pipeline at the apps that run now. */
  followApps(): Promise<void> {
    const { supervisor } = this.d;
    return this.d.sections.followApps(supervisor.names().map((n) => supervisor.config(n)));
  }

  /** One clash, naming both owners (the CLI adds what to do about it). */
  describeClash(c: Clash, incoming: string, create: boolean): string {
    const { supervisor } = this.d;
    if (c.what === 'app' && create) {
      const state = supervisor.has(c.name) ? supervisor.appState(c.name) : 'not running';
      return `app "${c.name}" already exists (${state}, started from ${c.owner})`;
    }
    const what = c.what === 'setting' ? c.name : `${c.what} "${c.name}"`;
    return `${what} is already declared by ${c.owner}${c.what === 'setting' ? ' with another value' : ''}; ${incoming} declares it too`;
  }

  /** Adopts the config's non-app sections, then adds or replaces the given apps and starts them. */
  private async apply(config: BulwarkConfig, apps: AppConfig[], cause: StartCause): Promise<void> {
    const { supervisor } = this.d;
    await this.d.sections.adopt({ security: config.security, forward: config.forward, alerts: config.alerts, http: config.http });
    // All at once: the spawn gate spreads the spawns over turns of the event loop.
    await Promise.all(apps.map(async (app) => {
      try {
        if (!supervisor.has(app.name)) {
          supervisor.add(app);
          await supervisor.start(app.name, cause.reason, cause.by);
        } else if (onlyInstancesDiffer(supervisor.config(app.name), app)) {
          await supervisor.scale(app.name, instanceCount(app)); // a new count only: no restart
          if (supervisor.appState(app.name) === 'stopped') await supervisor.start(app.name, cause.reason, cause.by);
        } else if (JSON.stringify(supervisor.config(app.name)) !== JSON.stringify(app)) {
          await supervisor.replace(app); // a changed config: stop, swap, start
        } else if (['stopped', 'errored'].includes(supervisor.appState(app.name))) {
          await supervisor.start(app.name, cause.reason, cause.by); // unchanged but down: start it; running ones are left alone
        } else if (cause.force) {
          await supervisor.restart(app.name, 'restarted by start --force');
        }
      } catch (err) {
        // A spawn failure is the app's state (backoff, then errored) and `start` reports it; the other apps still start.
        if (!(err instanceof SupervisorError && err.code === 'ESPAWN')) throw err;
      }
    }));
    await this.followApps();
    this.recordCurrent();
  }
}

/** Two configs of one app that differ in `instances` alone: a scale, not a replace. */
function onlyInstancesDiffer(a: AppConfig, b: AppConfig): boolean {
  if (a.instances === b.instances) return false;
  const rest = (c: AppConfig) => JSON.stringify({ ...c, instances: undefined, exec_mode: c.exec_mode ?? (c.instances === undefined ? undefined : 'auto') });
  return rest(a) === rest(b);
}
