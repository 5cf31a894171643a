// The daemon as Node's cluster primary, with a real worker (the web.mjs fixture): a stop that comes
// while the worker's listen() is being answered. The answer (with its socket) must reach the
// worker before the request to disconnect: a worker that reads the request and then a socket
// disconnects first and dies on Node's internal assertion acknowledging the socket (exit code 1;
// a rare failure of the cluster stop test, when `stop` came right as the second instance listened).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ClusterPrimary } from '../../src/supervisor/cluster-primary.js';
import { HeldSockets, type NativeHandle, type ServerQuery } from '../../src/supervisor/held-sockets.js';
import { freePort } from '../helpers/free-port.js';
import { waitFor } from '../helpers/wait-for.js';
import { APPS } from './harness.js';

interface Worker {
  child: ChildProcess;
  primary: ClusterPrimary;
  /** What the primary sent, in order: 'answer' for a listen's answer, else the act. */
  sent: string[];
  /** Resolves the worker's listen query (held back until then). */
  answer: () => void;
  queried: () => boolean;
  exited: Promise<number | null>;
  stderr: () => string;
}

/** A cluster worker (NODE_UNIQUE_ID with an IPC channel) whose listen the test answers when it says. */
async function worker(t: TestContext): Promise<Worker> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(APPS, 'web.mjs')], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, NODE_UNIQUE_ID: '1', PORT: String(port) } });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => { stderr += b.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const sockets = new HeldSockets('web');
  t.after(() => { child.kill('SIGKILL'); sockets.close(); });

  const sent: string[] = [];
  const send = child.send.bind(child) as (...a: unknown[]) => boolean;
  (child as { send: unknown }).send = (m: { act?: string; ack?: number }, ...rest: unknown[]): boolean => {
    sent.push(m.act ?? (m.ack !== undefined ? 'answer' : 'other'));
    return send(m, ...rest);
  };
  let answer!: () => void;
  const gate = new Promise<void>((resolve) => { answer = resolve; });
  let queried = false;
  const held = {
    forCluster: async (q: ServerQuery): Promise<NativeHandle | number> => { queried = true; await gate; return sockets.forCluster(q); },
    serverData: (key: string, offered: unknown) => sockets.serverData(key, offered),
  } as unknown as HeldSockets;
  const primary = new ClusterPrimary(child, held, { listening: () => undefined, problem: (m) => assert.fail(m) });
  return { child, primary, sent, answer, queried: () => queried, exited, stderr: () => stderr };
}

test('a stop during a cluster listen sends the answer first, then the disconnect: the worker never dies on a socket it reads after it', async (t) => {
  const w = await worker(t);
  await waitFor('the worker to ask for its socket', w.queried);
  assert.equal(w.primary.disconnect(), true, 'a request is on its way');
  assert.deepEqual(w.sent, [], 'nothing goes before the answer');
  w.answer(); // both messages leave in this turn: the worker reads them together
  await w.primary.disconnected;
  assert.deepEqual(w.sent, ['answer', 'disconnect']);
  // The worker took its socket, then the request: it listens on (a server keeps it), and ends on
  // the signal, not on an assertion.
  w.child.kill('SIGTERM');
  assert.equal(await w.exited, null, `the worker failed: ${w.stderr()}`);
  assert.doesNotMatch(w.stderr(), /ERR_INTERNAL_ASSERTION/);
});

test('a listen asked for after the disconnect was sent gets no answer, and the worker exits by itself', async (t) => {
  const w = await worker(t);
  await waitFor('the worker to ask for its socket', w.queried);
  w.answer();
  await waitFor('the worker to listen', () => w.primary.listened);
  assert.equal(w.primary.disconnect(), true);
  assert.deepEqual(w.sent, ['answer', 'disconnect'], 'nothing was being answered: the request went at once');
  // A query the worker sent before it read the request, arriving now.
  w.child.emit('internalMessage', { cmd: 'NODE_CLUSTER', act: 'queryServer', seq: 7, address: '127.0.0.1', port: 0, addressType: 4 });
  // The worker closes its server and its channel, and exits 0 (web.mjs has nothing else).
  assert.equal(await w.exited, 0, `the worker failed: ${w.stderr()}`);
  assert.deepEqual(w.sent, ['answer', 'disconnect'], 'no socket follows the request');
});
