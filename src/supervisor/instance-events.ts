// How an instance's lifecycle events go out: stamped with an id, the time, the app and the
// instance, handed to the host, and held for a turn of the event loop while the exit path respawns.
import { newEventId } from '../events/id.js';
import type { BulwarkEvent, LifecycleEvent, LifecycleKind } from '../events/types.js';
import type { InstanceHost } from './instance-host.js';

export class InstanceEvents {
  /** Events held until the next turn of the event loop (defer), in order; null: they go out at once. */
  private held: BulwarkEvent[] | null = null;

  constructor(private readonly host: InstanceHost, private readonly index: number) {}

  /** One event of this instance; `runPid` (its current run's) when `extra` names none. */
  publish(kind: LifecycleKind, reason: string, extra: Omit<Partial<LifecycleEvent>, 'kind'>, runPid: number | undefined): void {
    const now = Date.now();
    const pid = extra.pid ?? runPid;
    const e: LifecycleEvent = {
      id: newEventId(now), at: new Date(now).toISOString(), type: 'lifecycle', app: this.host.config.name, instance: this.index,
      kind, reason, ...(pid !== undefined ? { pid } : {}), ...extra,
    };
    if (this.held !== null) this.held.push(e);
    else this.emit(e);
  }

  /**
   * Until the next turn of the event loop, this instance's events wait (in order, each with the time
   * it happened): the exit path respawns first and publishes after, so the event sinks (history,
   * alerts, the daemon's log) are not between an app's exit and its next start. A respawn that
   * cannot happen in this turn (a backoff, a queued operation) finds its events already out.
   */
  defer(): void {
    if (this.held !== null) return;
    this.held = [];
    setImmediate(() => {
      const held = this.held ?? [];
      this.held = null;
      for (const e of held) this.emit(e);
    });
  }

  private emit(e: BulwarkEvent): void {
    try {
      this.host.emit(e);
    } catch {
      // A failing listener must not leave the state machine half-way through a transition.
    }
  }
}
