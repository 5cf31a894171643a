// Which started file owns which part of the daemon's config. Each file (or script started from
// the command line) owns what it declares: its apps, forward endpoints and alert channels by name,
// and the `security` section and `alerts.<key>` settings it wrote itself. Starting a file replaces
// only what that file owned before; a name (or a differing setting) another file owns is a clash,
// never a silent takeover. The daemon's config is the merge of every owner over the defaults.
// Pure data in, data out: the daemon executes the plan (remove, reconfigure, start).
import { buildRoutes, unionChannels } from '../alerts/routing.js';
import type { AlertKind, AlertsConfig, AppConfig, BulwarkConfig, ChannelConfig, ForwardConfig, HttpConfig, SecurityConfig } from '../config/schema/index.js';
import { channelNames } from '../config/names.js';
import type { SourceOrigin } from './config-reload.js';

/** One started file's share of the config. Channels carry their (derived) names explicitly. */
export interface ConfigSource {
  /** The file's absolute path, or `cli:<app>` for a script started from the command line. */
  id: string;
  /** How messages name it. */
  label: string;
  apps: AppConfig[];
  forward: ForwardConfig[];
  channels: ChannelConfig[];
  /** `alerts.on` as the file wrote it (or the default): it routes alert kinds to this file's channels. */
  on: AlertsConfig['on'];
  /** Settings the file declared itself: `security`, `http` and `alerts.<key>` (other than channels and on). */
  settings: Record<string, unknown>;
  /** For a file: how the CLI read it, so that SIGHUP reads it again the same way (config-reload.ts). */
  origin?: SourceOrigin;
}

export type Defaults = Pick<BulwarkConfig, 'security' | 'alerts'>;

export interface Owners {
  sources: ConfigSource[];
  /** The schema's defaults for settings no file declares. */
  defaults: Defaults;
}

export type Item = 'app' | 'forward endpoint' | 'alert channel';
export type Part = Item | 'setting';

export interface Change { action: 'added' | 'changed' | 'removed'; what: Part; name: string }
export interface Clash { what: Part; name: string; owner: string; ownerId: string }

export interface PlanOptions {
  /** Take clashing names and settings over from their owners (`--force`). */
  force?: boolean;
  /** The daemon's config becomes exactly this source (`apply --replace`). */
  replace?: boolean;
  /** A script from the command line: an app of that name anywhere is a clash, even its own earlier start. */
  create?: boolean;
}

export interface Plan {
  owners: Owners;
  config: BulwarkConfig;
  changes: Change[];
  clashes: Clash[];
}

const ITEMS: Item[] = ['app', 'forward endpoint', 'alert channel'];

/** A file's validated config as a source; `declared` lists its top-level sections and `alerts.<key>`s. */
export function sourceOf(id: string, label: string, config: BulwarkConfig, declared: readonly string[]): ConfigSource {
  const names = channelNames(config.alerts.channels);
  const settings: Record<string, unknown> = {};
  if (declared.includes('security') || declared.includes('*')) settings.security = config.security;
  // Off unless declared: a file without `http:` claims nothing about it.
  if (config.http !== undefined && (declared.includes('http') || declared.includes('*'))) settings.http = config.http;
  for (const [key, value] of Object.entries(config.alerts)) {
    if (key !== 'channels' && key !== 'on' && (declared.includes(`alerts.${key}`) || declared.includes('*'))) settings[`alerts.${key}`] = value;
  }
  return {
    id, label,
    apps: config.apps,
    forward: config.forward,
    channels: config.alerts.channels.map((c, i) => ({ ...c, name: names[i]! })),
    on: config.alerts.on,
    settings,
  };
}

/** The daemon's config: every source's apps, endpoints and channels; each setting from its owner, else the default. */
export function mergeOwners({ sources, defaults }: Owners): BulwarkConfig {
  const setting = (key: string, fallback: unknown): unknown => sources.find((s) => key in s.settings)?.settings[key] ?? fallback;
  const alerts = { ...defaults.alerts } as Record<string, unknown>;
  for (const key of Object.keys(alerts)) if (key !== 'channels' && key !== 'on') alerts[key] = setting(`alerts.${key}`, alerts[key]);
  const on: Partial<Record<AlertKind, string[]>> = {};
  for (const s of sources) {
    for (const [kind, names] of buildRoutes(s.on, s.channels.map((c) => c.name!))) on[kind] = unionChannels(on[kind], names);
  }
  return {
    apps: sources.flatMap((s) => s.apps),
    security: setting('security', defaults.security) as SecurityConfig,
    forward: sources.flatMap((s) => s.forward),
    alerts: { ...alerts, channels: sources.flatMap((s) => s.channels), on } as AlertsConfig,
    http: setting('http', undefined) as HttpConfig | undefined,
  };
}

/** What starting `incoming` does to the owners: the new owners and config, the changes, or the clashes. */
export function planStart(current: Owners, incoming: ConfigSource, opts: PlanOptions = {}, defaults: Defaults = current.defaults): Plan {
  const clashes: Clash[] = [];
  const clash = (what: Part, name: string, owner: ConfigSource) => {
    if (!clashes.some((c) => c.what === what && c.name === name)) clashes.push({ what, name, owner: owner.label, ownerId: owner.id });
  };
  if (opts.create && !opts.force) {
    for (const name of namesOf(incoming, 'app')) {
      const owner = current.sources.find((s) => namesOf(s, 'app').includes(name));
      if (owner) clash('app', name, owner);
    }
  }
  let others = opts.replace ? [] : current.sources.filter((s) => s.id !== incoming.id);
  for (const what of ITEMS) {
    for (const name of namesOf(incoming, what)) {
      const owner = others.find((s) => namesOf(s, what).includes(name));
      if (owner === undefined) continue;
      if (opts.force) others = others.map((s) => (s === owner ? without(s, what, name) : s));
      else clash(what, name, owner);
    }
  }
  for (const [key, value] of Object.entries(incoming.settings)) {
    const owner = others.find((s) => key in s.settings && !same(s.settings[key], value));
    if (owner === undefined) continue;
    if (opts.force) others = others.map((s) => (s === owner ? withoutSetting(s, key) : s));
    else clash('setting', key, owner);
  }
  const kept = (s: ConfigSource | undefined): s is ConfigSource => s !== undefined && !isEmpty(s);
  const sources = opts.replace ? [incoming]
    : current.sources.some((s) => s.id === incoming.id)
      ? current.sources.map((s) => (s.id === incoming.id ? incoming : others.find((o) => o.id === s.id))).filter((s) => s === incoming || kept(s)) as ConfigSource[]
      : [...others.filter(kept), incoming];
  const owners = { sources, defaults };
  const config = mergeOwners(owners);
  return { owners, config, changes: diffConfigs(current.sources.length ? mergeOwners(current) : null, config), clashes };
}

/** The owners without one app (deleted by the user); a source left owning nothing is forgotten. */
export function withoutApp(owners: Owners, name: string): Owners {
  return { ...owners, sources: owners.sources.map((s) => without(s, 'app', name)).filter((s) => !isEmpty(s)) };
}

/**
 * `resurrect` on a running daemon: saved apps that no source owns now go back to their saved source
 * (as apps only: the running daemon's endpoints, channels and settings stay as they are). A daemon
 * with no sources at all takes the saved owners whole.
 */
export function planResurrect(current: Owners, saved: Owners): { owners: Owners; apps: string[] } {
  if (current.sources.length === 0) return { owners: saved, apps: saved.sources.flatMap((s) => namesOf(s, 'app')) };
  const sources = [...current.sources];
  const apps: string[] = [];
  for (const s of saved.sources) {
    const missing = s.apps.filter((a) => !sources.some((o) => namesOf(o, 'app').includes(a.name)));
    if (missing.length === 0) continue;
    const i = sources.findIndex((o) => o.id === s.id);
    if (i >= 0) sources[i] = { ...sources[i]!, apps: [...sources[i]!.apps, ...missing] };
    else sources.push({ id: s.id, label: s.label, apps: missing, forward: [], channels: [], on: s.on, settings: {} });
    apps.push(...missing.map((a) => a.name));
  }
  return { owners: { ...current, sources }, apps };
}

/** The owners with one app's config replaced where it is owned (`restart --update-env`). */
export function withApp(owners: Owners, app: AppConfig): Owners {
  return { ...owners, sources: owners.sources.map((s) => (s.apps.some((a) => a.name === app.name) ? { ...s, apps: s.apps.map((a) => (a.name === app.name ? app : a)) } : s)) };
}

/** Who owns an app (for messages and for `delete`). */
export function ownerOf(owners: Owners, app: string): ConfigSource | undefined {
  return owners.sources.find((s) => namesOf(s, 'app').includes(app));
}

/** Added, changed and removed apps, endpoints, channels and settings between two configs. */
export function diffConfigs(before: BulwarkConfig | null, after: BulwarkConfig): Change[] {
  const changes: Change[] = [];
  const named = <T>(what: Item, a: T[], b: T[], name: (x: T) => string) => {
    const old = new Map(a.map((x) => [name(x), x]));
    const now = new Map(b.map((x) => [name(x), x]));
    for (const [n, x] of now) {
      if (!old.has(n)) changes.push({ action: 'added', what, name: n });
      else if (!same(old.get(n), x)) changes.push({ action: 'changed', what, name: n });
    }
    for (const n of old.keys()) if (!now.has(n)) changes.push({ action: 'removed', what, name: n });
  };
  named('app', before?.apps ?? [], after.apps, (a) => a.name);
  named('forward endpoint', before?.forward ?? [], after.forward, (f) => f.name);
  named('alert channel', before?.alerts.channels ?? [], after.alerts.channels, (c) => c.name!);
  if (before !== null) {
    if (!same(before.security, after.security)) changes.push({ action: 'changed', what: 'setting', name: 'security' });
    if (!same(before.http, after.http)) changes.push({ action: before.http === undefined ? 'added' : after.http === undefined ? 'removed' : 'changed', what: 'setting', name: 'http' });
    // Routes follow the channels: `alerts.on` is news only when no channel changed.
    const channelsMoved = changes.some((c) => c.what === 'alert channel');
    for (const key of Object.keys(after.alerts)) {
      const k = key as keyof AlertsConfig;
      if (k === 'channels' || (k === 'on' && channelsMoved)) continue;
      if (!same(before.alerts[k], after.alerts[k])) changes.push({ action: 'changed', what: 'setting', name: `alerts.${key}` });
    }
  }
  return changes;
}

function namesOf(s: ConfigSource, what: Item): string[] {
  if (what === 'app') return s.apps.map((a) => a.name);
  if (what === 'forward endpoint') return s.forward.map((f) => f.name);
  return s.channels.map((c) => c.name!);
}

function without(s: ConfigSource, what: Item, name: string): ConfigSource {
  if (what === 'app') return { ...s, apps: s.apps.filter((a) => a.name !== name) };
  if (what === 'forward endpoint') return { ...s, forward: s.forward.filter((f) => f.name !== name) };
  return { ...s, channels: s.channels.filter((c) => c.name !== name) };
}

function withoutSetting(s: ConfigSource, key: string): ConfigSource {
  const settings = { ...s.settings };
  delete settings[key];
  return { ...s, settings };
}

function isEmpty(s: ConfigSource): boolean {
  return s.apps.length === 0 && s.forward.length === 0 && s.channels.length === 0 && Object.keys(s.settings).length === 0;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
