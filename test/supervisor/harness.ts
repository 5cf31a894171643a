// Shared test plumbing for the supervisor tests: a Supervisor in a temp home that records its
// events, app configs from the real schema, deadline polling, and liveness checks.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { appSchema, type AppConfig, type AppConfigInput } from '../../src/config/schema/apps.js';
import type { BulwarkEvent, LifecycleEvent } from '../../src/events/types.js';
import { readProcStat } from '../../src/supervisor/proc-stat.js';
import { Supervisor } from '../../src/supervisor/index.js';
import { waitFor } from '../helpers/wait-for.js';

export const APPS = resolve(import.meta.dirname, '../helpers/apps');

export function app(input: Partial<AppConfigInput> & { name: string }): AppConfig {
  return appSchema.parse(input);
}

export interface Harness {
  sup: Supervisor;
  home: string;
  events: LifecycleEvent[];
  /** Events of one kind (optionally with a given probe), in order. */
  kinds(kind: string, probe?: string): LifecycleEvent[];
}

export function harness(t: TestContext): Harness {
  const home = mkdtempSync(join(tmpdir(), 'bulwark-sup-'));
  const events: LifecycleEvent[] = [];
  const sup = new Supervisor({
    logsDir: join(home, 'logs'),
    stateDir: join(home, 'state'),
    emit: (e) => { if (e.type === 'lifecycle') events.push(e); },
  });
  t.after(async () => {
    await sup.stopAll();
    rmSync(home, { recursive: true, force: true });
  });
  return {
    sup, home, events,
    kinds: (kind, probe) => events.filter((e) => e.kind === kind && (probe === undefined || e.probe === probe)),
  };
}

/** Gone or a zombie (nothing left to run). */
export function isDead(pid: number): boolean {
  const st = readProcStat(pid);
  return st === null || st.state === 'Z';
}

export interface HostedSupervisor {
  child: ChildProcess;
  /** Every event the hosted supervisor emitted so far. */
  events: BulwarkEvent[];
}

/**
 * A Supervisor in a process of its own (helpers/apps/host.ts), for tests that SIGKILL or SIGSTOP
 * it: runs `apps` (app config inputs) with state in `home`; resolves once every app is online.
 * At the end of the test it is killed and its apps are reaped (remove `home` only after that).
 */
export async function hostSupervisor(t: TestContext, home: string, apps: object | object[]): Promise<HostedSupervisor> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(APPS, 'host.ts'), home, JSON.stringify(apps)], {
    cwd: resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    // Its apps outlive it, as after a daemon crash: the next supervisor ends them.
    const reaper = new Supervisor({ logsDir: join(home, 'logs'), stateDir: join(home, 'state'), emit: () => {} });
    await reaper.reapOrphans();
    await reaper.stopAll();
  });
  const events: BulwarkEvent[] = [];
  let ready = false;
  let partial = '';
  child.stdout.on('data', (c: Buffer) => {
    const lines = (partial + c.toString()).split('\n');
    partial = lines.pop()!;
    for (const l of lines) {
      if (l === 'ready') ready = true;
      else if (l.startsWith('event ')) events.push(JSON.parse(l.slice(6)) as BulwarkEvent);
    }
  });
  await waitFor('hosted supervisor ready', () => ready || child.exitCode !== null, 30_000);
  if (!ready) throw new Error(`the hosted supervisor exited with code ${child.exitCode}`);
  return { child, events };
}
