// A process shipping events is SIGKILLed; a new one on the same state dir resends what the
// first left undelivered in its spool, and the producer resumes from its last durable point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRsyslog, delay } from '../helpers/rsyslog.js';
import { countIds, missing } from './scenario.js';

const TOTAL = 10_000;
const CHILD = join(import.meta.dirname, 'fixtures', 'forwarder-child.ts');

function spawnChild(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

function readProgress(file: string): number {
  return existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0;
}

for (const protocol of ['tcp', 'relp'] as const) {
  test(`${protocol}: SIGKILL while shipping, restart on the same state dir: all ${TOTAL} events arrive`, { timeout: 58_000 }, async (t) => {
    const rx = await startRsyslog({ [protocol]: true });
    const stateDir = mkdtempSync(join(tmpdir(), 'bulwark-fwd-crash-'));
    const progress = join(stateDir, 'progress');
    const children: ChildProcess[] = [];
    t.after(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await rx.dispose();
      rmSync(stateDir, { recursive: true, force: true });
    });
    const args = (first: number) => [stateDir, String(rx.ports[protocol]), protocol, String(first), String(TOTAL), progress];
    const first = spawnChild(args(0));
    children.push(first);
    // Kill it mid-stream: some events delivered, some spooled, some not yet produced.
    const deadline = Date.now() + 20_000;
    while (readProgress(progress) < TOTAL / 2) {
      assert.ok(Date.now() < deadline, 'the first process makes progress');
      await delay(20);
    }
    const exited = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await exited;
    const resumeAt = readProgress(progress);
    assert.ok(resumeAt < TOTAL, 'killed before producing everything');
    const before = countIds(rx.records(), 'crash-').unique.size;
    children.push(spawnChild(args(resumeAt)));
    const records = await rx.waitFor((r) => countIds(r, 'crash-').unique.size >= TOTAL, 35_000).catch(() => rx.records());
    const { unique, duplicates } = countIds(records, 'crash-');
    const status = existsSync(`${progress}.status`) ? readFileSync(`${progress}.status`, 'utf8') : 'no status';
    assert.deepEqual(missing(unique, 'crash-', TOTAL).slice(0, 10), [], `all arrived (got ${unique.size}; second process: ${status})`);
    t.diagnostic(`${protocol}: killed at ${resumeAt} produced, ${before} received before the restart, ${duplicates} duplicates after`);
  });
}
