// A TCP server on a free loopback port for tests that play the receiving end themselves.
import { createServer, type Socket } from 'node:net';

export interface LoopbackServer {
  port: number;
  /** Every connection accepted so far. */
  sockets: Socket[];
  /** Destroys the connections and stops listening. */
  close(): void;
}

export async function listenLoopback(onConnection: (s: Socket) => void): Promise<LoopbackServer> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    onConnection(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    sockets,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
