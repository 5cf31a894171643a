// A stall of the daemon itself (SIGSTOP, a VM pause, a long GC pause) does not kill healthy apps:
// heartbeats and probe answers that arrived meanwhile are read before any hang verdict, and the
// stall is an event (issue 16, break 4). The stall's length is a parameter:
// BULWARK_TEST_STALL_MS=20000 reproduces the 20 s; the default keeps the suite fast.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import type { DaemonEvent, LifecycleEvent } from '../../src/events/types.js';
import { APPS, hostSupervisor } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';
import { freePort } from '../helpers/free-port.js';

const STALL_MS = Number(process.env.BULWARK_TEST_STALL_MS ?? 4_000);
const HEARTBEAT_TIMEOUT_MS = 1_000;
const PROBE_GRACE_MS = 2_000;

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}


const beatsOf = (file: string): number => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('beat ')).length;
  } catch {
    return 0;
  }
};

test(`a daemon stopped for ${STALL_MS / 1000} s restarts no healthy app and records its own stall`, async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'bulwark-stall-'));
  const beats = join(home, 'beats');
  const port = await freePort();
  const { child: daemon, events } = await hostSupervisor(t, home, [
    // beats every 200 ms and never hangs
    { name: 'beat', script: join(APPS, 'busy.mjs'), env: { BEATS_FILE: beats, BUSY_AFTER: '2000000000' }, health: { heartbeat: { timeout: `${HEARTBEAT_TIMEOUT_MS}ms` } } },
    // answers 200; a check times out after 300 ms, so the one in flight when the stall hits fails
    {
      name: 'web', script: join(APPS, 'http-server.mjs'), env: { PORT: String(port), STATUS: '200' },
      health: { http: { url: `http://127.0.0.1:${port}/`, interval: '100ms', timeout: '300ms', failures: 3 }, grace: `${PROBE_GRACE_MS}ms` },
    },
  ]);
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const lifecycle = (): LifecycleEvent[] => events.filter((e): e is LifecycleEvent => e.type === 'lifecycle');
  const pids = new Map(lifecycle().filter((e) => e.kind === 'online').map((e) => [e.app, e.pid]));
  const startedAt = Date.now();
  await waitFor('heartbeats flowing', () => beatsOf(beats) >= 5);
  await waitFor('the web app listening', () => accepts(port));
  // HTTP checks run (past their grace) when the stall hits.
  await sleep(Math.max(0, startedAt + PROBE_GRACE_MS + 500 - Date.now()));

  daemon.kill('SIGSTOP');
  await sleep(STALL_MS); // the stall itself: the parameter under test
  const beatsDuringStall = beatsOf(beats);
  daemon.kill('SIGCONT');

  // An absence needs a window: past every verdict the resume could bring (a full heartbeat timeout,
  // two failed HTTP checks), with margin.
  await sleep(HEARTBEAT_TIMEOUT_MS * 2 + 1_000);
  const bad = lifecycle().filter((e) => ['hang', 'health', 'crash', 'restart', 'stop'].includes(e.kind));
  assert.deepEqual(bad.map((e) => `${e.app}: ${e.kind} ${e.reason}`), [], 'no app was declared hung or failing');
  const stall = events.find((e): e is DaemonEvent => e.type === 'daemon' && e.kind === 'stall');
  assert.ok(stall !== undefined, 'the stall is an event');
  const lost = Number(/did not run for (\d+)s/.exec(stall.message)?.[1]);
  assert.ok(lost >= Math.floor(STALL_MS / 1000) - 1, `stall of about ${STALL_MS} ms reported: ${stall.message}`);
  assert.ok(beatsOf(beats) > beatsDuringStall, 'the heartbeat app kept beating');
  assert.deepEqual([...pids.keys()].sort(), ['beat', 'web']);
  for (const [app, pid] of pids) assert.ok(pid !== undefined && process.kill(pid, 0), `${app} still runs as pid ${pid}`);
});

test('an app that really stops beating during a daemon stall is still caught, one timeout after the resume', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'bulwark-stall-'));
  const beats = join(home, 'beats');
  const { child: daemon, events } = await hostSupervisor(t, home, {
    name: 'spin', script: join(APPS, 'busy.mjs'), env: { BEATS_FILE: beats, BUSY_AFTER: '600' },
    health: { heartbeat: { timeout: `${HEARTBEAT_TIMEOUT_MS}ms` } },
  });
  t.after(() => rmSync(home, { recursive: true, force: true }));
  await waitFor('heartbeats flowing', () => beatsOf(beats) >= 2);
  daemon.kill('SIGSTOP');
  await sleep(Math.min(STALL_MS, 3_000));
  daemon.kill('SIGCONT');
  const resumed = Date.now();
  const hang = await waitFor('hang event', () => events.find((e): e is LifecycleEvent => e.type === 'lifecycle' && e.kind === 'hang'));
  const after = Date.parse(hang.at) - resumed;
  t.diagnostic(`hung ${after} ms after the resume`);
  assert.ok(after >= HEARTBEAT_TIMEOUT_MS - 100, `judged a full timeout after the resume, not at once (${after} ms)`);
  assert.match(hang.reason, /no heartbeat for 1s/);
});
