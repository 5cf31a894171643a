// Running totals over the event bus, for /metrics and the dashboard: restarts by cause, security
// events by kind and rule, alert deliveries by channel. Counted from the events themselves (the
// single source of truth), since the daemon started; a map increment per event.
import type { BulwarkEvent, LifecycleEvent } from './types.js';

/** Why an app was restarted (SPEC: bulwark_app_restarts_total{app,cause}). */
export type RestartCause = 'crash' | 'exit' | 'hang' | 'memory' | 'cpu' | 'cron' | 'watch' | 'user';

/** Lifecycle kinds that end a run on their own; the respawn that follows is a restart of that cause. */
const DOWN_CAUSES: ReadonlySet<string> = new Set<RestartCause>(['crash', 'exit', 'hang', 'memory', 'cpu']);
/** Probes of a `restart` event that are the cause themselves. */
const ASKED_CAUSES: ReadonlySet<string> = new Set<RestartCause>(['cron', 'watch', 'user']);

export interface AlertDeliveries { sent: number; failed: number; expired: number }

export class EventCounters {
  /** app -> cause -> restarts */
  readonly restarts = new Map<string, Map<RestartCause, number>>();
  /** kind -> security events */
  readonly security = new Map<string, number>();
  /** "kind\0rule" -> detections */
  readonly detections = new Map<string, number>();
  /** channel -> deliveries */
  readonly alerts = new Map<string, AlertDeliveries>();
  /** Per app, what ended its last run: the cause of the respawn to come. */
  private readonly lastDown = new Map<string, RestartCause>();

  accept(e: BulwarkEvent): void {
    switch (e.type) {
      case 'lifecycle': this.lifecycle(e); break;
      case 'security':
        bump(this.security, e.kind);
        bump(this.detections, `${e.kind}\0${e.rule}`);
        break;
      case 'alert': {
        let d = this.alerts.get(e.channel);
        if (d === undefined) this.alerts.set(e.channel, d = { sent: 0, failed: 0, expired: 0 });
        if (e.kind === 'alert.sent') d.sent++;
        else if (e.kind === 'alert.failed') d.failed++;
        else d.expired++;
        break;
      }
      default: break;
    }
  }

  private lifecycle(e: LifecycleEvent): void {
    if (e.kind === 'delete') {
      this.restarts.delete(e.app);
      this.lastDown.delete(e.app);
      return;
    }
    if (DOWN_CAUSES.has(e.kind)) {
      this.lastDown.set(e.app, e.kind as RestartCause);
      return;
    }
    if (e.kind !== 'restart') return;
    // A restart asked for (user, cron, watch) names itself; a respawn after backoff has the cause of the run's end.
    const cause: RestartCause = e.probe !== undefined && ASKED_CAUSES.has(e.probe) ? e.probe as RestartCause : this.lastDown.get(e.app) ?? 'crash';
    let byCause = this.restarts.get(e.app);
    if (byCause === undefined) this.restarts.set(e.app, byCause = new Map());
    bump(byCause, cause);
  }
}

function bump<K>(m: Map<K, number>, key: K): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}
