// What each control request does: the table from a socket command to the daemon parts it drives.
// The args arrive already checked against their schema (requests.ts); a handler answers with its
// result or throws a ControlError whose code the CLI reports.
import { channelNames } from '../config/names.js';
import { matches, type EventLog } from '../events/event-log.js';
import type { Forwarder } from '../forward/index.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { SupervisorError } from '../supervisor/errors.js';
import { paced } from '../supervisor/spawn-gate.js';
import type { ReloadOutcome } from '../supervisor/rolling-reload.js';
import { VERSION } from '../version.js';
import type { AppTableStore } from './app-table.js';
import type { BanService } from './ban-service.js';
import { planResurrect, planStart, sourceOf } from './config-owners.js';
import { streamAll, type Handler } from './control-server.js';
import { ControlError } from './protocol.js';
import type { Reconciler, StartCause } from './reconciler.js';
import type { RequestArgs } from './requests.js';
import type { SectionParts } from './section-parts.js';
import { settle } from './start-settle.js';

const BY_USER: StartCause = { reason: 'started by user', by: 'user' };
/** `status` shows CPU and memory at most this old (one /proc pass for every app when older). */
const STATUS_SAMPLE_AGE_MS = 1000;
/** How many past exits `describe` shows. */
const RECENT_EXITS = 10;

export interface ControlDeps {
  home: string;
  startedAt: number;
  host: string;
  supervisor: Supervisor;
  events: EventLog;
  table: AppTableStore;
  forwarder: Forwarder;
  bans: BanService;
  sections: SectionParts;
  reconciler: Reconciler;
  /** The apps the daemon brought back when it started (`resurrect` waits for them and names them). */
  restoredAtStart(): Promise<string[]>;
  shutdown(reason: string): Promise<void>;
}

export function controlHandlers(d: ControlDeps): Map<string, Handler> {
  const { supervisor, events, table, forwarder, bans, sections, reconciler } = d;
  const targets = (name: unknown, many = false) => appsNamed(supervisor, name, many);
  const h = new Map<string, Handler>();
  h.set('ping', () => ({ pid: process.pid, version: VERSION, home: d.home, uptimeMs: Date.now() - d.startedAt, host: d.host, http: sections.httpUrl }));
  h.set('apply', async (args) => {
    // Validated whole at the socket (requests.ts). `source` names the file (or `cli:<app>`);
    // `declared` what it wrote itself (absent: everything).
    const { config, source, origin, declared, callerEnv, defaults: given, force, replace, create, dryRun } = args as RequestArgs<'apply'>;
    if (callerEnv !== undefined) for (const app of config.apps) app.callerEnv ??= callerEnv; // one object, shared
    const id = source?.id ?? 'unnamed';
    const incoming = sourceOf(id, source?.label ?? id, config, declared ?? ['*']);
    if (origin !== undefined) incoming.origin = { ...origin, known: config.apps.map((a) => a.name) }; // for SIGHUP
    const defaults = given ?? reconciler.owners?.defaults ?? { security: config.security, alerts: config.alerts };
    const opts = { force: force === true, replace: replace === true, create: create === true };
    const plan = planStart(reconciler.owners ?? { sources: [], defaults }, incoming, opts, defaults);
    if (plan.clashes.length > 0) throw new ControlError('ECLASH', plan.clashes.map((c) => reconciler.describeClash(c, incoming.label, opts.create)).join('\n'));
    const apps = incoming.apps.map((a) => a.name);
    if (dryRun !== true) await reconciler.reconcile(plan.owners, apps, { ...BY_USER, force: opts.force && opts.create });
    return { changes: plan.changes, apps };
  });
  h.set('settle', async (args) => ({ outcomes: await settle(supervisor, targets(args.names ?? 'all', true)) }));
  const each = (fn: (name: string) => Promise<void>) => async (args: Record<string, unknown>) => {
    const names = targets(args.name);
    await paced(names, fn);
    reconciler.recordCurrent();
    return { names };
  };
  h.set('start', async (args) => {
    const names = targets(args.name);
    const up = (n: string) => supervisor.status(n).every((s) => s.state === 'online' || s.state === 'starting');
    const already = names.filter(up);
    await Promise.all(names.filter((n) => !already.includes(n)).map((n) => supervisor.start(n)));
    reconciler.recordCurrent();
    return { names, already };
  });
  h.set('stop', each((n) => supervisor.stop(n)));
  h.set('restart', async (args) => {
    // --update-env: the caller's environment replaces the one the app was started with.
    const callerEnv = args.callerEnv;
    if (callerEnv === undefined) return each((n) => supervisor.restart(n, 'restarted by the user'))(args);
    if (typeof callerEnv !== 'object' || callerEnv === null || Object.values(callerEnv).some((v) => typeof v !== 'string')) {
      throw new ControlError('EBADREQ', 'callerEnv must map names to strings');
    }
    return each(async (n) => {
      const app = { ...supervisor.config(n), callerEnv: callerEnv as Record<string, string> };
      reconciler.keepApp(app);
      await supervisor.replace(app);
      if (supervisor.appState(n) === 'stopped') await supervisor.start(n); // restart starts a stopped app
    })(args);
  });
  h.set('reload', async (args) => {
    // { name: app | "all" } -> { names, reloads: [{ name, mode: rolling | restart, instances, ms }] }
    const names = targets(args.name);
    const reloads: ({ name: string } & ReloadOutcome)[] = [];
    const failed: string[] = [];
    for (const n of names) {
      try {
        reloads.push({ name: n, ...await supervisor.reload(n) });
      } catch (err) {
        if (!(err instanceof SupervisorError)) throw err;
        failed.push(err.message);
      }
    }
    reconciler.recordCurrent();
    if (failed.length > 0) {
      const done = reloads.length > 0 ? `; reloaded: ${reloads.map((r) => r.name).join(', ')}` : '';
      throw new ControlError('ERELOAD', `${failed.join('\n')}${done}`);
    }
    return { names, reloads };
  });
  h.set('scale', async (args) => {
    // { name: app, instances: N >= 1 } -> { name, from, to }
    const { name: asked, instances: n } = args as RequestArgs<'scale'>;
    const [name] = targets(asked);
    const result = await supervisor.scale(name!, n);
    reconciler.keepApp(supervisor.config(name!));
    reconciler.recordCurrent();
    return { name, ...result };
  });
  h.set('delete', async (args) => {
    const names = targets(args.name);
    // The files that declared them: starting one of those again brings its app back.
    const files = [...new Set(names.map((n) => reconciler.ownerOf(n)?.id ?? '').filter((id) => id.startsWith('/')))];
    await paced(names, (n) => supervisor.remove(n));
    reconciler.forgetApps(names);
    reconciler.recordCurrent();
    await reconciler.followApps();
    // A deleted app must not come back at the next daemon start (PM2 keeps it in its dump).
    const unsaved = table.forgetSaved(names);
    return { names, unsaved, files };
  });
  h.set('status', async (args, ctx) => {
    if (args.name !== undefined) targets(args.name);
    await supervisor.sampleNow(STATUS_SAMPLE_AGE_MS);
    const apps = supervisor.status(args.name as string | undefined);
    const rest = () => ({ forward: forwarder.status(), pipeline: sections.pipeline?.stats() ?? null, bans: bans.status() });
    // `stream`: one data message per app, then the rest (the CLI prints as rows arrive).
    if (args.stream === true) return { count: await streamAll(ctx, apps), ...(args.all ? rest() : {}) };
    return args.all ? { apps, ...rest() } : apps;
  });
  h.set('describe', (args) => {
    const [name, ...more] = targets(args.name);
    if (more.length > 0 || name === undefined) throw new ControlError('EBADREQ', 'describe takes one app name');
    // Exits are the transitions that carry an exit code or signal, whatever their kind.
    const exits = events.query({ app: name, type: 'lifecycle', limit: RECENT_EXITS * 20 })
      .filter((e) => e.type === 'lifecycle' && e.to !== undefined && ('code' in e || 'signal' in e)).slice(-RECENT_EXITS);
    return { config: supervisor.config(name), status: supervisor.status(name), exits };
  });
  h.set('offenders', () => sections.pipeline?.offendersList() ?? []);
  for (const [cmd, handler] of bans.handlers()) h.set(cmd, handler);
  h.set('forward.status', () => forwarder.status());
  h.set('forward.test', (args) => forwarder.test(args.name as string | undefined));
  h.set('alert.test', (args) => sections.alerts?.test(args.channel as string | undefined) ?? []);
  h.set('alert.channels', () => channelNames(sections.settings?.alerts.channels ?? []));
  h.set('events', async (args, ctx) => {
    const filter = args as RequestArgs<'events'>;
    if (!args.follow) return args.stream === true ? { count: await streamAll(ctx, events.query(filter)) } : events.query(filter);
    for (const e of events.query(filter)) ctx.send(e);
    const unfollow = events.follow((e) => { if (matches(e, filter)) ctx.send(e); });
    ctx.onClose(unfollow);
    ctx.keepOpen();
    return undefined;
  });
  h.set('save', () => {
    const config = reconciler.currentConfig();
    const owners = reconciler.owners;
    if (!owners || !config || config.apps.length === 0) throw new ControlError('ENOAPPS', 'no apps to save: start some first');
    table.save(owners);
    return { file: table.savedFile, apps: config.apps.map((a) => a.name) };
  });
  h.set('resurrect', async () => {
    // A `resurrect` that started the daemon finds the saved apps on their way back already.
    const restored = await d.restoredAtStart();
    const saved = table.loadSaved();
    if (!saved) throw new ControlError('ENOSAVED', 'nothing saved yet: run `bulwark save` first');
    const plan = planResurrect(reconciler.owners ?? { sources: [], defaults: saved.defaults }, saved);
    if (plan.apps.length > 0) await reconciler.reconcile(plan.owners, plan.apps, { reason: 'resurrected by `bulwark resurrect`', by: 'resurrect' });
    return { started: plan.apps, restored: restored.filter((n) => supervisor.has(n)) };
  });
  h.set('kill', () => {
    setImmediate(() => void d.shutdown('bulwark kill').finally(() => process.exit(0)));
    return { pid: process.pid };
  });
  return h;
}

/** The apps a request names: one, `all`, or (with `many`) the known ones of a list; EUNKNOWN_APP otherwise. */
function appsNamed(supervisor: Supervisor, name: unknown, many: boolean): string[] {
  if (name === 'all') return supervisor.names();
  if (many && Array.isArray(name)) return name.filter((n): n is string => typeof n === 'string' && supervisor.has(n));
  if (typeof name !== 'string' || !supervisor.has(name)) {
    const known = supervisor.names();
    throw new ControlError('EUNKNOWN_APP', `no app named ${JSON.stringify(name)}${known.length ? ` (known: ${known.join(', ')})` : ' (no apps are registered)'}`);
  }
  return [name];
}
