// A log-writing app for the tail tests: appends numbered lines ("seq=N ...") at a steady rate,
// in bursts every tick like a busy server, and rotates its file the way logrotate would:
//   rename:       rename app.log -> app.log.K, write one more burst into the old fd (the app has not
//                 reopened yet), then reopen app.log
//   delete:       unlink app.log, reopen (a new inode)
//   copytruncate: copy app.log -> app.log.K, truncate app.log; writes pause during copy+truncate
//                 (see docs/tail.md: lines written between copy and truncate are lost by design)
// Rotations happen every rotateEveryMs (up to `rotations`), and on SIGUSR2. With `gated`, only on
// SIGUSR2 (the test decides when), printing "rotated <first seq of the new file>"; SIGTERM ends it.
// Config: JSON in argv[2]. Prints "done <lines written>" and exits when finished (with maxLines:
// after exactly maxLines lines).
import { closeSync, copyFileSync, openSync, renameSync, truncateSync, unlinkSync, writeSync } from 'node:fs';

const cfg = { rate: 10000, tickMs: 10, mode: 'none', rotations: 0, rotateEveryMs: 75, durationMs: 0, stamp: false, pad: 8, ...JSON.parse(process.argv[2]) };
const padding = 'x'.repeat(cfg.pad);
let fd = openSync(cfg.file, 'a'); // O_APPEND: after a truncate, writes go to the new end, not to a hole
let seq = 0;
let rotated = 0;
const started = performance.now();
let lastRotate = started;

function burst(count) {
  let s = '';
  for (let i = 0; i < count; i++) {
    s += cfg.stamp ? `seq=${seq++} t=${(performance.timeOrigin + performance.now()).toFixed(3)}\n` : `seq=${seq++} ${padding}\n`;
  }
  if (s) writeSync(fd, s);
}

function rotate() {
  rotated++;
  const to = `${cfg.file}.${rotated}`;
  if (cfg.mode === 'rename') {
    renameSync(cfg.file, to);
    burst(Math.max(1, Math.round(cfg.rate * cfg.tickMs / 1000)));
    closeSync(fd);
    fd = openSync(cfg.file, 'a');
  } else if (cfg.mode === 'delete') {
    unlinkSync(cfg.file);
    closeSync(fd);
    fd = openSync(cfg.file, 'a');
  } else if (cfg.mode === 'copytruncate') {
    copyFileSync(cfg.file, to);
    truncateSync(cfg.file, 0);
  }
}

process.on('SIGUSR2', () => { rotate(); process.stdout.write(`rotated ${seq}\n`); });
let stopRequested = false;
process.on('SIGTERM', () => { stopRequested = true; });

const timer = setInterval(() => {
  const now = performance.now();
  // A late tick catches up on the lines it owes, but never past maxLines: the tests compare
  // the tailer's count with it, and a loaded machine makes late ticks common.
  const due = Math.floor(((now - started) * cfg.rate) / 1000);
  burst((cfg.maxLines ? Math.min(due, cfg.maxLines) : due) - seq);
  if (!cfg.gated && cfg.mode !== 'none' && rotated < cfg.rotations && now - lastRotate >= cfg.rotateEveryMs) {
    lastRotate = now;
    rotate();
  }
  let finished = stopRequested;
  if (!cfg.gated && !finished) finished = cfg.durationMs > 0 ? now - started >= cfg.durationMs : rotated >= cfg.rotations && now - lastRotate >= 200;
  if (finished || (cfg.maxLines && seq >= cfg.maxLines)) {
    clearInterval(timer);
    closeSync(fd);
    process.stdout.write(`done ${seq}\n`, () => process.exit(0));
  }
}, cfg.tickMs);
