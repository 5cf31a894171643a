// Syslog channel: the alert becomes an AlertEvent-shaped record in a forward endpoint's durable spool.
// "Sent" means the forwarder accepted it; the forwarder then owns delivery (at least once).
import type { Alert } from '../alert.js';
import type { AlertEvent } from '../../events/types.js';
import type { ChannelConfig } from '../../config/schema/index.js';
import type { AlertChannel, ForwarderLookup } from './channel.js';
import { alertTitle } from '../render.js';
import { AlertError, errorMessage } from '../errors.js';
import { withTimeout } from '../timeout.js';

type SyslogConfig = Extract<ChannelConfig, { type: 'syslog' }>;

export function alertRecord(a: Alert, channel: string): AlertEvent {
  const e: AlertEvent = {
    // The alert id, so a record enqueued twice (crash between enqueue and bookkeeping) can be deduped downstream.
    id: a.id, at: a.at, type: 'alert', kind: 'alert.sent', channel, alertId: a.id, alertKind: a.kind, message: alertTitle(a),
  };
  if (a.app) e.app = a.app;
  return e;
}

export class SyslogChannel implements AlertChannel {
  readonly type = 'syslog';
  constructor(readonly name: string, private readonly cfg: SyslogConfig, private readonly forwarder: ForwarderLookup | undefined) {}

  async send(a: Alert): Promise<void> {
    const forwarder = this.forwarder?.();
    if (!forwarder) throw new AlertError('EALERT_NO_FORWARDER', `syslog: no forwarder is running for endpoint "${this.cfg.forward}"`);
    try {
      await withTimeout(forwarder.enqueue(this.cfg.forward, alertRecord(a, this.name)), this.cfg.timeout, `syslog via ${this.cfg.forward}`);
    } catch (err) {
      if (err instanceof AlertError) throw err;
      throw new AlertError('EALERT_SEND', `syslog via ${this.cfg.forward}: ${errorMessage(err)}`);
    }
  }
}
