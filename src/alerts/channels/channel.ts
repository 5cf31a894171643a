// One delivery channel: sends one alert or throws an AlertError. Built from the config by createChannel.
import type { Alert } from '../alert.js';
import type { BulwarkEvent } from '../../events/types.js';
import type { ChannelConfig } from '../../config/schema/index.js';
import { WebhookChannel } from './webhook.js';
import { EmailChannel } from './email.js';
import { ExecChannel } from './exec.js';
import { SyslogChannel } from './syslog.js';

export interface AlertChannel {
  readonly name: string;
  readonly type: ChannelConfig['type'];
  /** Resolves when the receiver accepted the alert; rejects (AlertError) otherwise. */
  send(alert: Alert): Promise<void>;
  close?(): Promise<void>;
}

export interface Forwarder {
  enqueue(endpoint: string, e: BulwarkEvent): Promise<void>;
}

/** Finds the forwarder when a syslog alert is sent (it may have been reconfigured or not exist yet). */
export type ForwarderLookup = () => Forwarder | undefined;

export interface ChannelContext {
  hostname: string;
  forwarder?: ForwarderLookup | undefined;
}

export function createChannel(name: string, cfg: ChannelConfig, ctx: ChannelContext): AlertChannel {
  switch (cfg.type) {
    case 'webhook': return new WebhookChannel(name, cfg);
    case 'email': return new EmailChannel(name, cfg, ctx.hostname);
    case 'exec': return new ExecChannel(name, cfg);
    case 'syslog': return new SyslogChannel(name, cfg, ctx.forwarder);
  }
}
