// Opens a Link of the endpoint's protocol.
import type { EndpointSettings } from '../settings.js';
import type { Link, LinkEvents } from './link.js';
import { RelpLink, relpOpen } from './relp.js';
import { openStream } from './socket.js';
import { StreamLink } from './stream.js';
import { openUdp } from './udp.js';

export async function openLink(s: EndpointSettings, events: LinkEvents): Promise<Link> {
  switch (s.protocol) {
    case 'udp': return openUdp(s, events);
    case 'relp': {
      const socket = await openStream(s, false);
      return new RelpLink(socket, await relpOpen(socket, s.timeoutMs), events);
    }
    case 'tcp':
    case 'tls':
      return new StreamLink(await openStream(s, s.protocol === 'tls'), s.framing, { ms: s.resendWindowMs, bytes: s.resendWindowBytes }, events);
  }
}
