// `bulwark forward test`: one test event over a fresh connection, bypassing the spool, so the
// answer is about the endpoint now: delivered, or why not (DNS, refused, TLS verification, timeout).
import { withDeadline } from '../common/deadline.js';
import { newEventId } from '../events/id.js';
import type { DaemonEvent } from '../events/types.js';
import { ForwardError, classify } from './errors.js';
import type { MessageFormatter } from './format/index.js';
import type { EndpointSettings } from './settings.js';
import type { Link } from './transport/link.js';
import { openLink } from './transport/open.js';

export interface TestResult {
  name: string;
  delivered: boolean;
  error?: string;
}

export async function testEndpoint(s: EndpointSettings, formatter: MessageFormatter, hostname: string): Promise<TestResult> {
  const event: DaemonEvent = {
    id: newEventId(), at: new Date().toISOString(), type: 'daemon', kind: 'forward.test',
    message: `bulwark forward test from ${hostname} to ${s.name}`,
  };
  const data = Buffer.from(formatter.event(event) + '\n', 'utf8');
  let link: Link | null = null;
  try {
    const outcome = withDeadline(new Promise<void>((resolve, reject) => {
      openLink(s, {
        delivered: () => resolve(),
        drain: () => {},
        down: (err) => reject(err),
        warn: (err) => reject(err),
      }).then((l) => {
        link = l;
        l.write({ data, ends: [data.length - 1], from: { pos: 0, seq: 0 }, to: { pos: data.length, seq: 1 } });
        // TCP/TLS confirm on a clean close (the receiver read up to our FIN); RELP on its ack.
        if (s.protocol === 'tcp' || s.protocol === 'tls') void l.close(s.timeoutMs);
      }, reject);
    }), s.timeoutMs, () => new ForwardError('EFWD_TIMEOUT', `${s.name}: not confirmed within ${s.timeoutMs} ms`));
    await outcome;
    return { name: s.name, delivered: true };
  } catch (e) {
    return { name: s.name, delivered: false, error: classify(e, s.name).message };
  } finally {
    await (link as Link | null)?.close(1000);
  }
}
