// TCP connect: healthy when the port accepts a connection within the timeout.
import net from 'node:net';
import type { Check } from './periodic-probe.js';

export function tcpCheck(host: string, port: number): Check {
  return (timeoutMs) => new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`connect ${host}:${port} timed out after ${timeoutMs}ms`)));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (err) => reject(new Error(`connect ${host}:${port}: ${err.message}`)));
  });
}
