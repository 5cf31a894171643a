// Issue 16, break 9: a daemon SIGKILLed again and again while it ships a 10,000 lines/s file to a
// TCP receiver must lose nothing and resend little: at most one commit interval of lines per kill
// (<= 1 % of all lines). The long run of the issue (200,000 lines, 10 kills) is
// BULWARK_TEST_KILL_LINES=200000 BULWARK_TEST_KILLS=10; the suite runs a shorter one at about the
// same rate of kills (one per 20,000 lines; the long run's, one per ~18,000). What one kill may
// resend is bounded, not a share: a tail batch (at most 512 lines) when it lands between a batch's
// spool write and its checkpoint, and a socket write (~215 of these lines). On a loaded host a
// 512-line resend showed in 1 of 36 runs and a 215-line one in 2; one of each in a run of 60,000
// lines (the suite's run before) reads 1.2 %, in 100,000 0.73 %.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestHome, isAlive } from '../helpers/bulwark-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { startRsyslog } from '../helpers/rsyslog.js';
import { SeqLedger, startWriter } from '../logs/tail/helpers/harness.js';

const LINES = Number(process.env.BULWARK_TEST_KILL_LINES ?? 100_000);
const KILLS = Number(process.env.BULWARK_TEST_KILLS ?? 4);
const RATE = 10_000;
const IDLE = `[${JSON.stringify(process.execPath)}, "-e", "setInterval(()=>{},1000)"]`;

/** Runs of consecutive duplicated sequence numbers ("from-to"), the first 20. */
function duplicateRuns(ledger: SeqLedger, n: number): string[] {
  const runs: string[] = [];
  let from = -1;
  for (let i = 0; i <= n && runs.length < 20; i++) {
    const dup = i < n && ledger.seen[i]! > 1;
    if (dup && from < 0) from = i;
    if (!dup && from >= 0) { runs.push(`${from}-${i - 1}`); from = -1; }
  }
  return runs;
}

test(`${KILLS} daemon SIGKILLs while forwarding ${LINES} lines at ${RATE}/s over tcp: none lost, duplicates <= 1 %`, { timeout: 60_000 + LINES / 2 }, async (t) => {
  const h = new TestHome();
  const rx = await startRsyslog({ tcp: true, output: 'msg' });
  const log = join(h.dir, 'app.log');
  writeFileSync(log, '');
  const writer = startWriter({ file: log, rate: RATE, maxLines: LINES, durationMs: 10 * 60_000 });
  t.after(async () => {
    writer.child.kill('SIGKILL');
    h.cleanup();
    await rx.dispose();
  });
  const cfg = h.write('b.yml', [
    'apps:', '  - name: web', `    cmd: ${IDLE}`, `    logs: { tail: [${JSON.stringify(log)}] }`,
    'forward:', `  - { name: rx, host: 127.0.0.1, port: ${rx.ports.tcp}, protocol: tcp, format: rfc5424, framing: octet-counting, select: [all] }`, '',
  ].join('\n'));
  assert.equal((await h.run(['start', cfg])).code, 0);
  const seqs = (): SeqLedger => {
    const ledger = new SeqLedger();
    for (const l of rx.lines()) if (l.startsWith('seq=')) ledger.add(l); // events (select: all) are not lines
    return ledger;
  };
  // Kill at evenly spaced points of the stream, each after the receiver saw progress since the last restart.
  for (let k = 1; k <= KILLS; k++) {
    const target = Math.floor((LINES * k) / (KILLS + 1));
    await waitFor(`line ${target} received`, () => rx.lines().length >= target, 60_000, 100);
    const pid = h.daemonPid()!;
    process.kill(pid, 'SIGKILL');
    await waitFor('daemon gone', () => !isAlive(pid), 10_000, 10);
    const restarted = await h.run(['daemon']);
    // Its stderr says why not (the daemon's exit code, the last lines of its log): a loaded host saw
    // one exit 69 here.
    assert.equal(restarted.code, 0, `\`bulwark daemon\` after kill ${k}: ${restarted.stderr}`);
  }
  const written = await writer.done;
  assert.equal(written, LINES);
  const done = await waitFor('every line received', () => {
    const s = seqs();
    return s.audit(LINES).missing === 0 ? s : null;
  }, 60_000, 200);
  const audit = done.audit(LINES);
  const ratio = audit.duplicates / LINES;
  t.diagnostic(`${LINES} lines, ${KILLS} SIGKILLs: ${audit.duplicates} duplicates (${(ratio * 100).toFixed(2)} %), resent runs: ${duplicateRuns(done, LINES).join(' ')}`);
  // What else the receiver got (the daemon's events: restarts, links up and down), in order, with
  // how many lines had arrived before each: a resent run is then placed against them.
  const lines = rx.lines();
  const others = lines.flatMap((l, i) => (l.startsWith('seq=') ? [] : [`@${i}: ${l.slice(0, 100)}`]));
  t.diagnostic(`other lines (${others.length}): ${others.slice(0, 40).join(' | ')}`);
  // The last daemon's link: a reconnect resends what was not yet confirmed, and reports no event.
  const fwd = await h.run(['forward', 'status', '--json']);
  t.diagnostic(`last daemon's endpoint: ${fwd.stdout.trim().slice(0, 400)}`);
  assert.equal(audit.beyond, 0);
  assert.ok(ratio <= 0.01, `duplicates ${(ratio * 100).toFixed(2)} % of ${LINES} lines`);
});
