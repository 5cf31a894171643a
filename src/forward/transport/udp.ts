// UDP syslog (RFC 5426): one datagram per message, no framing, no acknowledgement. A batch is
// "delivered" once the kernel took every datagram: UDP cannot promise more (do not use it for
// events you must not lose).
import type { Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { classify } from '../errors.js';
import type { EndpointSettings } from '../settings.js';
import type { Batch, Link, LinkEvents } from './link.js';

export async function openUdp(s: EndpointSettings, events: LinkEvents): Promise<UdpLink> {
  let address: { address: string; family: number };
  try {
    address = await lookup(s.host);
  } catch (e) {
    throw classify(e, `${s.name} (${s.host}:${s.port})`);
  }
  // node:dgram loads with the first UDP endpoint, not with the daemon (see supervisor/health/http-check.ts).
  const { createSocket } = await import('node:dgram');
  const socket = createSocket(address.family === 6 ? 'udp6' : 'udp4');
  return new UdpLink(socket, address.address, s.port, events);
}

export class UdpLink implements Link {
  private sending = 0;

  constructor(private readonly socket: Socket, private readonly address: string, private readonly port: number, readonly events: LinkEvents) {
    socket.on('error', (e) => events.warn(classify(e, 'UDP')));
  }

  write(batch: Batch): boolean {
    let left = batch.ends.length;
    this.sending++;
    const sent = (err: Error | null) => {
      if (err) this.events.warn(classify(err, 'UDP send'));
      if (--left > 0) return;
      this.sending--;
      this.events.delivered(batch.to);
      this.events.drain();
    };
    let start = 0;
    for (const end of batch.ends) {
      this.socket.send(batch.data, start, end - start, this.port, this.address, sent);
      start = end + 1;
    }
    return this.sending < 4;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
