// /metrics: the daemon's state in Prometheus text format (prom-client). Nothing is sampled on a
// timer: every value is read from the daemon when scraped (one snapshot per scrape, CPU and memory
// from one fresh /proc pass), and counters come from the event bus totals. Labels are names from
// the config (app, instance, endpoint, channel, kind, rule, source) — never an IP or a user, whose
// number an attacker controls.
import { Counter, Gauge, Registry } from 'prom-client';
import type { AppState } from '../events/types.js';
import type { DaemonView, InstanceView } from './daemon-view.js';

const STATES: readonly AppState[] = ['starting', 'online', 'stopping', 'stopped', 'backoff', 'errored'];
const HOSTILE_REASONS = { truncated: 'truncated', invalidUtf8: 'invalid_utf8', nul: 'nul', binary: 'binary', crlf: 'crlf' } as const;

interface Scrape {
  instances: InstanceView[];
  pipeline: ReturnType<DaemonView['pipeline']>;
  endpoints: ReturnType<DaemonView['endpoints']>;
  lagSeconds: number;
  now: number;
}

/** CPU and memory are read for the scrape, unless another reader took them this recently. */
const SAMPLE_MAX_AGE_MS = 1000;

type Labels = Record<string, string | number>;
type Sample = [Labels, number];

export class MetricsRegistry {
  readonly registry = new Registry();
  private scrape: Scrape | null = null;

  constructor(private readonly view: DaemonView) {
    const inst = (i: InstanceView): Labels => ({ app: i.app, instance: String(i.instance) });
    const perInstance = (pick: (i: InstanceView) => number | null | undefined) => () =>
      this.s().instances.flatMap((i): Sample[] => { const v = pick(i); return v === null || v === undefined ? [] : [[inst(i), v]]; });

    // Apps, per instance.
    this.gauge('bulwark_app_up', '1 when the instance is online', ['app', 'instance'], perInstance((i) => (i.state === 'online' ? 1 : 0)));
    this.gauge('bulwark_app_state', 'The instance state: 1 for the current one', ['app', 'instance', 'state'],
      () => this.s().instances.flatMap((i) => STATES.map((state): Sample => [{ ...inst(i), state }, i.state === state ? 1 : 0])));
    this.gauge('bulwark_app_uptime_seconds', 'How long the current run has been online', ['app', 'instance'], perInstance((i) => i.uptimeMs / 1000));
    this.gauge('bulwark_app_cpu_ratio', 'CPU of the instance and its children, in cores (1 = one core busy), from the last sample', ['app', 'instance'],
      perInstance((i) => (i.cpu === null ? null : i.cpu / 100)));
    this.gauge('bulwark_app_memory_bytes', 'Resident memory of the instance and its children, from the last sample', ['app', 'instance'], perInstance((i) => i.memoryBytes));
    this.gauge('bulwark_app_health_ok', '1 while the health probes pass, 0 while failing (absent: no probes, or no verdict yet)', ['app', 'instance'],
      perInstance((i) => (i.health === 'ok' ? 1 : i.health === 'failing' ? 0 : null)));
    this.gauge('bulwark_app_health_check_up', '1 when the last check of the probe passed', ['app', 'instance', 'probe'],
      () => this.probeSamples((r) => (r.ok ? 1 : 0)));
    this.gauge('bulwark_app_health_check_duration_seconds', 'How long the last check of the probe took', ['app', 'instance', 'probe'],
      () => this.probeSamples((r) => r.latencyMs / 1000));
    this.counter('bulwark_app_restarts_total', 'Restarts by cause: crash, exit, hang, memory, cpu (respawns) and cron, watch, user (asked for)', ['app', 'cause'],
      () => [...this.view.counters().restarts].flatMap(([app, byCause]) => [...byCause].map(([cause, n]): Sample => [{ app, cause }, n])));

    // The log pipeline.
    const sources = (pick: (s: NonNullable<Scrape['pipeline']>['sources'][number]) => number | null) => () =>
      (this.s().pipeline?.sources ?? []).flatMap((s): Sample[] => { const v = pick(s); return v === null ? [] : [[{ app: s.app, source: s.source }, v]]; });
    this.counter('bulwark_log_lines_total', 'Log lines read, per app and source (stdout, stderr or a tailed file)', ['app', 'source'], sources((s) => s.lines));
    this.counter('bulwark_log_bytes_total', 'Log bytes read, per app and source', ['app', 'source'], sources((s) => s.bytes));
    this.gauge('bulwark_log_tail_lag_bytes', 'Bytes written to the source\'s files that were not read yet', ['app', 'source'], sources((s) => s.lagBytes));
    this.counter('bulwark_log_hostile_lines_total', 'Lines that were not well-behaved log lines, by reason (each made safe and kept)', ['reason'], () => {
      const input = this.s().pipeline?.stats.input;
      return input === undefined ? [] : Object.entries(HOSTILE_REASONS).map(([key, reason]): Sample => [{ reason }, input[key as keyof typeof HOSTILE_REASONS]]);
    });
    this.counter('bulwark_security_events_total', 'Security events by kind', ['kind'],
      () => [...this.view.counters().security].map(([kind, n]): Sample => [{ kind }, n]));
    this.counter('bulwark_detections_total', 'Security events by kind and the rule that found them', ['kind', 'rule'],
      () => [...this.view.counters().detections].map(([key, n]): Sample => { const [kind, rule] = key.split('\0') as [string, string]; return [{ kind, rule }, n]; }));

    // Forwarding, per endpoint.
    const endpoint = (pick: (e: Scrape['endpoints'][number]) => number | null) => () =>
      this.s().endpoints.flatMap((e): Sample[] => { const v = pick(e); return v === null ? [] : [[{ endpoint: e.name }, v]]; });
    this.gauge('bulwark_forward_spool_bytes', 'Bytes spooled and not yet delivered', ['endpoint'], endpoint((e) => e.spoolBytes));
    this.gauge('bulwark_forward_spool_messages', 'Messages spooled and not yet delivered', ['endpoint'], endpoint((e) => e.spooled));
    this.counter('bulwark_forward_delivered_total', 'Messages the endpoint confirmed', ['endpoint'], endpoint((e) => e.delivered));
    this.counter('bulwark_forward_retried_total', 'Messages sent again on a new connection (their delivery was not confirmed)', ['endpoint'], endpoint((e) => e.retried));
    this.counter('bulwark_forward_dropped_total', 'Messages dropped because the spool was full', ['endpoint'], endpoint((e) => e.dropped));
    this.gauge('bulwark_forward_connected', '1 while a connection to the endpoint is open', ['endpoint'], endpoint((e) => (e.connected ? 1 : 0)));
    this.gauge('bulwark_forward_oldest_undelivered_age_seconds', 'Age of the oldest message not yet delivered (0 when none)', ['endpoint'],
      endpoint((e) => (e.oldestUndeliveredAt === null ? 0 : Math.max(0, this.s().now - e.oldestUndeliveredAt) / 1000)));

    // Alerts, per channel.
    const alerts = (pick: (d: { sent: number; failed: number; expired: number }) => number) => () =>
      [...this.view.counters().alerts].map(([channel, d]): Sample => [{ channel }, pick(d)]);
    this.counter('bulwark_alerts_sent_total', 'Alerts the channel accepted', ['channel'], alerts((d) => d.sent));
    this.counter('bulwark_alerts_failed_total', 'Failed delivery attempts (each is retried until it expires)', ['channel'], alerts((d) => d.failed));
    this.counter('bulwark_alerts_expired_total', 'Alerts given up on', ['channel'], alerts((d) => d.expired));
    this.counter('bulwark_alerts_deduplicated_total', 'Alerts held back by dedupe or a flapping episode (summaries count them)', ['channel'],
      () => Object.entries(this.view.alertCounters().deduplicated).map(([channel, n]): Sample => [{ channel }, n]));

    // The daemon itself.
    this.gauge('bulwark_daemon_resident_memory_bytes', 'Resident memory of the daemon', [], () => [[{}, process.memoryUsage.rss()]]);
    this.counter('bulwark_daemon_cpu_seconds_total', 'CPU time of the daemon (user + system)', [], () => {
      const u = process.cpuUsage();
      return [[{}, (u.user + u.system) / 1e6]];
    });
    this.gauge('bulwark_daemon_event_loop_lag_seconds', 'How long a callback queued at scrape time waited for the event loop', [], () => [[{}, this.s().lagSeconds]]);
    this.gauge('bulwark_daemon_start_time_seconds', 'When the daemon started (Unix time)', [], () => [[{}, this.view.startedAt / 1000]]);
    this.gauge('bulwark_build_info', 'The running bulwark version', ['version'], () => [[{ version: this.view.version }, 1]]);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text of one scrape; reads the daemon once. */
  async render(): Promise<string> {
    const lagSeconds = await eventLoopLag();
    await this.view.sampleNow(SAMPLE_MAX_AGE_MS);
    this.scrape = { instances: this.view.instances(), pipeline: this.view.pipeline(), endpoints: this.view.endpoints(), lagSeconds, now: Date.now() };
    try {
      return await this.registry.metrics();
    } finally {
      this.scrape = null;
    }
  }

  private s(): Scrape {
    if (this.scrape === null) throw new Error('metrics read outside a scrape');
    return this.scrape;
  }

  private probeSamples(pick: (r: ReturnType<DaemonView['probes']>[number]) => number): Sample[] {
    // Per instance: each runs its own probes (two instances with an http probe are two series).
    return this.s().instances.flatMap((i) => this.view.probes(i.app, i.instance).map((r): Sample => [{ app: i.app, instance: String(i.instance), probe: r.probe }, pick(r)]));
  }

  private gauge(name: string, help: string, labelNames: string[], samples: () => Sample[]): void {
    new Gauge({ name, help, labelNames, registers: [this.registry], collect() {
      this.reset();
      for (const [labels, v] of samples()) this.set(labels, v);
    } });
  }

  private counter(name: string, help: string, labelNames: string[], samples: () => Sample[]): void {
    new Counter({ name, help, labelNames, registers: [this.registry], collect() {
      this.reset();
      for (const [labels, v] of samples()) this.inc(labels, v);
    } });
  }
}

/** The wait of a callback queued now: what the event loop owes to work already queued. */
function eventLoopLag(): Promise<number> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => setImmediate(() => resolve(Number(process.hrtime.bigint() - t0) / 1e9)));
}
