// AlertManager: the alerts sink of the event bus. Events -> policy (routing, dedupe, flapping,
// forward-down: policy.ts) -> dispatch (durable queue, one worker per channel, rate limit,
// retry, expiry: dispatch.ts) -> alert.* events. The daemon keeps one for its whole life: a
// reload swaps the dispatcher (the channels) and reconfigures the policy, whose open dedupe
// windows and flapping episodes carry on.
import type { AlertsConfig } from '../config/schema/index.js';
import type { AlertEvent, BulwarkEvent } from '../events/types.js';
import type { ForwarderLookup } from './channels/channel.js';
import { AlertDispatcher, type ChannelTestResult } from './dispatch.js';
import { AlertPolicy } from './policy.js';

export type { ChannelTestResult } from './dispatch.js';

export interface AlertManagerOptions {
  /** A directory the manager owns (e.g. $BULWARK_HOME/state/alerts); the queue lives in <stateDir>/pending. */
  stateDir: string;
  hostname: string;
  emit(e: AlertEvent): void;
  /** Where syslog channels find the forwarder when they send. */
  forwarder?: ForwarderLookup;
}

export class AlertManager {
  private readonly policy: AlertPolicy;
  private dispatch: AlertDispatcher;
  private started = false;
  private closed = false;

  constructor(cfg: AlertsConfig, private readonly opts: AlertManagerOptions) {
    this.dispatch = new AlertDispatcher(cfg, opts);
    this.policy = new AlertPolicy(cfg, opts.hostname, (alert, channels) => this.dispatch.enqueue(alert, channels));
  }

  /** Loads the durable queue and resumes delivery (retries included). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.dispatch.start();
  }

  /** Every event from the bus. Cheap for the events that do not alert. */
  accept(e: BulwarkEvent): void {
    if (!this.closed) this.policy.accept(e);
  }

  /**
   * A new `alerts:` section: new channels take over the queue (alerts for channels that are gone
   * expire), the policy keeps its windows and episodes.
   */
  async reconfigure(cfg: AlertsConfig): Promise<void> {
    if (this.closed) return;
    const previous = this.dispatch;
    this.dispatch = new AlertDispatcher(cfg, this.opts); // alerts from now on queue here
    this.policy.reconfigure(cfg);
    await previous.close();
    if (this.started) await this.dispatch.start();
  }

  /** Sends one test alert straight through each channel (or the named one), bypassing queue and limits. */
  test(channel?: string): Promise<ChannelTestResult[]> {
    return this.dispatch.test(channel);
  }

  /** How much is waiting: alerts with at least one undelivered channel, and undelivered (alert, channel) pairs. */
  pendingCount(): { alerts: number; deliveries: number } {
    return this.dispatch.pendingCount();
  }

  /** Alerts held back by dedupe or a flapping episode, per channel they would have reached. */
  counters(): { deduplicated: Record<string, number> } {
    return this.policy.counters();
  }

  /** Resolves once every alert made so far is in the queue on disk (or the disk refused it); undefined when none is being saved. */
  saved(): Promise<void> | undefined {
    return this.dispatch.saved();
  }

  /** Stops delivering; held-back counts are queued as summaries (sent after the next start). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.policy.flush();
    await this.dispatch.close();
  }
}
