// The daemon as the HTTP server sees it (src/http/daemon-view.ts): read-only views of its
// components, and app actions that run the control socket's own commands.
import type { EventCounters } from '../events/counters.js';
import type { EventLog } from '../events/event-log.js';
import type { AlertManager } from '../alerts/index.js';
import type { Forwarder } from '../forward/index.js';
import type { DaemonView, InstanceView } from '../http/daemon-view.js';
import type { LogPipeline } from '../logs/pipeline.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { VERSION } from '../version.js';
import type { ControlServer } from './control-server.js';

export interface DaemonParts {
  startedAt: number;
  /** The host name the daemon reports (host-name.ts). */
  hostname: string;
  supervisor: Supervisor;
  events: EventLog;
  counters: EventCounters;
  control: ControlServer;
  /** Rebuilt when their config changes: read them at each call. */
  pipeline(): LogPipeline | null;
  forwarder(): Forwarder | null;
  alerts(): AlertManager | null;
}

export function daemonView(p: DaemonParts): DaemonView {
  return {
    version: VERSION,
    hostname: p.hostname,
    startedAt: p.startedAt,
    sampleNow: (maxAgeMs) => p.supervisor.sampleNow(maxAgeMs),
    instances: () => p.supervisor.status().map((s): InstanceView => ({
      app: s.name,
      instance: s.instance,
      pid: s.pid, state: s.state, uptimeMs: s.uptimeMs, restarts: s.restarts, cpu: s.cpu, memoryBytes: s.memoryBytes, health: s.health,
      lastExit: s.lastExit === null ? null : { code: s.lastExit.code, signal: s.lastExit.signal, at: s.lastExit.at, ...(s.lastExit.cause !== undefined ? { cause: s.lastExit.cause } : {}) },
    })),
    probes: (app, instance) => (p.supervisor.has(app) ? p.supervisor.probeResults(app, instance) : []),
    counters: () => p.counters,
    recentEvents: (limit) => p.events.query({ limit }),
    follow: (fn) => p.events.follow(fn),
    offenders: () => p.pipeline()?.offendersList() ?? [],
    endpoints: () => p.forwarder()?.status() ?? [],
    pipeline: () => {
      const pipeline = p.pipeline();
      return pipeline && { stats: pipeline.stats(), sources: pipeline.sourceStats() };
    },
    alertCounters: () => p.alerts()?.counters() ?? { deduplicated: {} },
    // `reload` is the control socket's: a rolling replacement, or a restart for an app that binds its own port.
    operate: (action, app) => p.control.invoke(action, { name: app }),
  };
}
